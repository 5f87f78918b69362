package dev.cscs.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cscs.cli.CliRun;
import dev.cscs.core.crypto.KeyGen;
import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.testing.Eventually;
import dev.cscs.core.trust.PolicyBuilder;
import dev.cscs.core.trust.Signing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator verbs against three {@code java -jar} servers: audit from the operator's own
 * genesis, health and member ls that ask every member, and failover across endpoints (env and
 * flags) for a read, a write and watch. The tests run in order: later ones kill nodes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatorCliIT {
    private static final Path JAR = Path.of("target/cscs.jar").toAbsolutePath();
    ProcessCluster cluster;
    Path dir;
    Path key;
    String dead;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        this.dir = dir;
        cluster = new ProcessCluster(dir, JAR, 3, "");
        cluster.startAll();
        key = cluster.writeSignerKey(dir.resolve("global.key"));
        dead = "http://127.0.0.1:" + LocalProcesses.freePort();
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    private String all() {
        return String.join(",", cluster.ids().stream().map(cluster::url).toList());
    }

    private static CliRun cscs(String... args) {
        return CliRun.run(Main::commandLine, args);
    }

    /** {@code cscs} as a process of its own, with {@code env} added to its environment. */
    private CliRun process(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("java", "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(dir.resolve("p.out").toFile()).redirectError(dir.resolve("p.err").toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("cscs " + String.join(" ", args) + " did not end within 60 s");
        }
        return new CliRun(p.exitValue(), Files.readString(dir.resolve("p.out")), Files.readString(dir.resolve("p.err")), new byte[0]);
    }

    private static long lines(Path file) {
        try {
            return Files.readString(file).lines().count();
        } catch (IOException e) {
            return 0;
        }
    }

    @Test
    @Order(1)
    void auditVerifiesEveryChainFromTheGivenGenesisAndRefusesAnotherOne() throws Exception {
        cscs("put", "global", "sysctl/net.ipv4.ip_forward", "{\"value\":\"0\"}", "--sign-with", key.toString(),
                "--endpoint", cluster.url("n1")).ok();
        Path genesis = dir.resolve("genesis.json");
        CliRun ok = cscs("audit", "--genesis", genesis.toString(), "--endpoint", cluster.url("n2")).ok();
        assertThat(ok.out()).contains("verified here from the genesis").containsPattern("global\\s+1\\s+sha256:\\S+\\s+OK")
                .containsPattern("_trust\\s+1\\s+sha256:\\S+\\s+OK");

        PrivateKeyRef stranger = KeyGen.generate("ed25519");
        Path other = dir.resolve("other-genesis.json");
        Files.write(other, ChangesetCodec.toPrettyJson(Signing.genesis(new PolicyBuilder().roots(1, List.of(stranger.publicKey()))
                .operators(1, List.of(stranger.publicKey())).domain("global", 1, List.of(stranger.publicKey()), null).build(),
                Instant.now(), List.of(stranger), "not this cluster")));
        CliRun broken = cscs("audit", "--genesis", other.toString(), "--endpoint", cluster.url("n2"));
        assertThat(broken.exit()).as(broken.out() + broken.err()).isEqualTo(3);
        assertThat(broken.out()).contains("break: ").contains("_trust seq 1").contains("untrusted-anchor")
                .contains("is not the one given");

        CliRun everyNode = cscs("audit", "--genesis", genesis.toString(), "--all-nodes", "--endpoints", all()).ok();
        assertThat(everyNode.out()).contains("audited 3 of 3 members");
    }

    @Test
    @Order(2)
    void healthAndMemberLsAreGreenWithEveryNodeUp() {
        // on a loaded machine an election can be under way at any moment: each verb is asked until it is green
        CliRun health = green("health", "--endpoints", all());
        assertThat(health.out()).contains("healthy: leader n").doesNotContain("unreachable");
        CliRun ls = green("member", "ls", "--endpoints", all());
        assertThat(ls.out()).containsPattern("n1\\s+voter\\s+\\S+\\s+yes").contains("*");
        CliRun yaml = green("health", "--endpoints", all(), "-o", "yaml");
        assertThat(yaml.out()).contains("healthy: true").contains("- id: n1");
    }

    private static CliRun green(String... args) {
        return Eventually.get("cscs " + String.join(" ", args) + " exiting 0", ProcessCluster.DEADLINE, () -> {
            CliRun r = cscs(args);
            return r.exit() == 0 ? r : null;
        });
    }

    @Test
    @Order(3)
    void aReadAndAWriteFailOverPastADeadFirstEndpointGivenByEnvOrFlag() throws Exception {
        CliRun read = process(Map.of("CSCS_ENDPOINTS", dead + "," + cluster.url("n2")),
                "get", "global", "sysctl/net.ipv4.ip_forward", "-o", "yaml");
        assertThat(read.exit()).as(read.err()).isZero();
        assertThat(read.out()).contains("value:").contains("value: \"0\"").contains("seq: 1");

        cscs("put", "global", "sysctl/net.ipv4.ip_forward", "{\"value\":\"1\"}", "--sign-with", key.toString(),
                "--endpoints", dead + "," + cluster.url("n3")).ok();
        assertThat(cscs("get", "global", "sysctl/net.ipv4.ip_forward", "--endpoints", dead + "," + cluster.url("n1"))
                .ok().out()).contains("\"1\"");
    }

    @Test
    @Order(4)
    void watchMovesToAHealthyNodeWhenItsNodeDiesAndResumesAfterTheLastRevision() throws Exception {
        long from = cluster.get("n1", "/v1/changesets/global?limit=0").body().path("revision").asLong();
        Path out = dir.resolve("watch.out");
        ProcessBuilder pb = new ProcessBuilder("java", "-jar", JAR.toString(), "watch", "global", "--from", String.valueOf(from),
                "--count", "2", "--endpoints", cluster.url("n3") + "," + dead + "," + cluster.url("n1"))
                .redirectOutput(out.toFile()).redirectError(dir.resolve("watch.err").toFile());
        pb.environment().put("CSCS_ENDPOINTS", "http://127.0.0.1:1");
        Process watch = pb.start();
        try {
            cscs("put", "global", "sysctl/net.a", "{\"value\":\"1\"}", "--sign-with", key.toString(), "--endpoint", cluster.url("n1")).ok();
            Eventually.await("the first event", ProcessCluster.DEADLINE, () -> lines(out) == 1);
            cluster.kill9("n3");
            cscs("put", "global", "sysctl/net.b", "{\"value\":\"2\"}", "--sign-with", key.toString(), "--endpoint", cluster.url("n1")).ok();
            Eventually.await("watch ends after the second event", ProcessCluster.DEADLINE, () -> !watch.isAlive());
            assertThat(watch.exitValue()).as(Files.readString(dir.resolve("watch.err"))).isZero();
            List<String> lines = Files.readString(out).lines().toList();
            assertThat(lines).hasSize(2);
            assertThat(lines.get(0)).contains("sysctl/net.a");
            assertThat(lines.get(1)).contains("sysctl/net.b");
            assertThat(Files.readString(dir.resolve("watch.err"))).contains("resuming from " + cluster.url("n1"));
        } finally {
            watch.destroyForcibly();
        }
    }

    @Test
    @Order(5)
    void auditOfAllNodesNamesTheUnreachableMemberAndExitsFive() {
        CliRun r = cscs("audit", "--genesis", dir.resolve("genesis.json").toString(), "--all-nodes", "--endpoints", all());
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(5);
        assertThat(r.out()).contains("audited 2 of").contains("unreachable: ").contains(cluster.url("n3"));
    }

    @Test
    @Order(6)
    void withTwoOfThreeVotersKilledHealthAndMemberLsSayThereIsNoQuorum() throws Exception {
        cluster.kill9("n2");
        CliRun health = cscs("health", "--endpoints", all());
        assertThat(health.exit()).as(health.out() + health.err()).isEqualTo(5);
        assertThat(health.out()).contains("UNHEALTHY").contains("no quorum of voters answering").contains("2 of 3 members unreachable");
        CliRun ls = cscs("member", "ls", "--endpoints", all());
        assertThat(ls.exit()).as(ls.out() + ls.err()).isEqualTo(5);
        assertThat(ls.out()).containsPattern("n2\\s+voter\\s+\\S+\\s+no").containsPattern("n1\\s+voter\\s+\\S+\\s+yes")
                .contains("UNHEALTHY");
    }
}
