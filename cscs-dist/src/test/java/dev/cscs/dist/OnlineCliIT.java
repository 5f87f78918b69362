package dev.cscs.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cscs.cli.CliRun;
import dev.cscs.core.crypto.KeyFiles;
import dev.cscs.core.testing.Chains;
import dev.cscs.core.testing.Eventually;
import dev.cscs.server.LocalCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The online verbs against a real 3-node cluster: put through any node, get from every node, apply, watch, members. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OnlineCliIT {
    LocalCluster cluster;
    Path dir;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        this.dir = dir;
        cluster = new LocalCluster(dir, 3);
        KeyFiles.writePrivate(dir.resolve("fa.key"), Chains.signerA(), null);
        KeyFiles.writePrivate(dir.resolve("global.key"), Chains.signerB(), null);
        KeyFiles.writePrivate(dir.resolve("root.key"), Chains.root(), null);
        KeyFiles.writePublic(dir.resolve("fa.pub"), Chains.signerA().publicKey());
        Eventually.await("a leader", Duration.ofSeconds(30), () -> cluster.get("n1", "/readyz").status() == 200);
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    private CliRun cscs(String node, String... args) {
        return CliRun.at(cluster.url(node), Main::commandLine, args);
    }

    @Test
    void aPutThroughAnyNodeIsReadableFromEveryNode() {
        cscs("n2", "put", "global", "sysctl/net.ipv4.ip_forward", "{\"value\":\"0\"}", "--sign-with", dir.resolve("global.key").toString()).ok();
        for (String n : cluster.ids()) {
            assertThat(cscs(n, "get", "global", "sysctl/net.ipv4.ip_forward").ok().out()).contains("\"value\" : \"0\"");
        }
        cscs("n3", "rm", "global", "sysctl/net.ipv4.ip_forward", "--sign-with", dir.resolve("global.key").toString()).ok();
        CliRun gone = cscs("n1", "get", "global", "sysctl/net.ipv4.ip_forward");
        assertThat(gone.exit()).isEqualTo(1);
        assertThat(gone.err()).contains("not-found");
        assertThat(cscs("n1", "history", "global").ok().out()).contains("+sysctl/net.ipv4.ip_forward").contains("-sysctl/net.ipv4.ip_forward");
    }

    @Test
    void applyDiffsAgainstTheDomainAndIsIdempotent() throws Exception {
        Path policy = dir.resolve("policy.yaml");
        Files.writeString(policy, String.join("\n", "domain: factory-a", "entries:",
                "  yum/epel: {name: EPEL, baseurl: \"https://mirror.example/epel/9/\", enabled: true, gpgcheck: true}",
                "  sysctl/net.ipv4.ip_forward: {value: \"0\"}", ""));
        String key = dir.resolve("fa.key").toString();
        CliRun dry = cscs("n1", "apply", "-f", policy.toString(), "--dry-run");
        assertThat(dry.exit()).as("dry-run exits 1 when something would change").isEqualTo(1);
        assertThat(dry.out()).contains("2 change(s)").contains("+ yum/epel");
        cscs("n2", "apply", "-f", policy.toString(), "--sign-with", key).ok();
        assertThat(cscs("n3", "apply", "-f", policy.toString(), "--sign-with", key).ok().out()).contains("already matches");

        Files.writeString(policy, String.join("\n", "domain: factory-a", "entries:",
                "  sysctl/net.ipv4.ip_forward: {value: \"1\"}", ""));
        CliRun change = cscs("n3", "apply", "-f", policy.toString(), "--sign-with", key, "-o", "json").ok();
        assertThat(change.out()).contains("\"seq\"");
        assertThat(cscs("n1", "ls", "factory-a").ok().out()).contains("sysctl/net.ipv4.ip_forward").doesNotContain("yum/epel");
    }

    @Test
    void aStaleSignedFileIsAConflictThatSaysWhatToDo() {
        String key = dir.resolve("global.key").toString();
        cscs("n1", "put", "global", "sshd/main", "{\"settings\":{\"PermitRootLogin\":\"no\"}}", "--sign-with", key).ok();
        Path cs = dir.resolve("stale.json");
        cscs("n1", "sign", "--domain", "global", "--delete", "sshd/main", "--sign-with", key, "--out", cs.toString()).ok();
        cscs("n1", "put", "global", "sshd/other", "{\"settings\":{\"PasswordAuthentication\":\"no\"}}", "--sign-with", key).ok();
        CliRun stale = cscs("n2", "submit", cs.toString());
        assertThat(stale.exit()).isEqualTo(4);
        assertThat(stale.err()).contains("wrong-seq").contains("sign it again there");
    }

    @Test
    void watchStreamsWhatIsCommitted() throws Exception {
        Process watch = new ProcessBuilder("java", "-jar", "target/cscs.jar", "watch", "global", "--from", "0", "--count", "1",
                "-o", "json", "--endpoint", cluster.url("n3")).redirectErrorStream(true)
                .redirectOutput(dir.resolve("watch.out").toFile()).start();
        try {
            Eventually.await("the watch printed a changeset", Duration.ofSeconds(60), () -> {
                cscs("n1", "put", "global", "sysctl/net.test.watched", "{\"value\":\"1\"}", "--sign-with", dir.resolve("global.key").toString());
                return !watch.isAlive();
            });
            assertThat(watch.exitValue()).isZero();
            assertThat(Files.readString(dir.resolve("watch.out"))).contains("\"domain\":\"global\"");
        } finally {
            watch.destroyForcibly();
        }
    }

    @Test
    void aDomainIsAddedByASignedPolicyChange() {
        CliRun add = cscs("n2", "trust", "update", "--domain", "factory-b=" + dir.resolve("fa.pub"), "--scope", "factory-b=sysctl",
                "--sign-with", dir.resolve("root.key").toString(), "--comment", "new line");
        assertThat(add.ok().err()).contains("domain added: factory-b");
        cscs("n3", "put", "factory-b", "sysctl/net.test.b", "{\"value\":\"1\"}", "--sign-with", dir.resolve("fa.key").toString()).ok();
        CliRun scope = cscs("n1", "put", "factory-b", "yum/x", "{\"name\":\"x\",\"baseurl\":\"https://x.example/\"}",
                "--sign-with", dir.resolve("fa.key").toString());
        assertThat(scope.exit()).isEqualTo(3);
        assertThat(scope.err()).contains("out-of-scope");
        assertThat(cscs("n1", "history", "_trust").ok().out()).contains("new line");
    }

    @Test
    void membersAndTrustAreShown() {
        assertThat(cscs("n2", "member", "ls").ok().out()).contains("n1").contains("voter").contains("*");
        assertThat(cscs("n3", "trust", "show").ok().out()).contains("factory-a").contains("global");
        assertThat(cscs("n1", "ls").ok().out()).contains("factory-a");
    }
}
