package dev.cscs.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

/**
 * diff, apply over several domains, get --at-seq, revert and the no-op put/rm against a real
 * 3-node cluster. Each test owns its keys (sysctl/net.<test>.*); the two tests that apply
 * whole-domain policies to factory-a read the state they compare against first.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DiffRevertCliIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    LocalCluster cluster;
    Path dir;
    String fa;
    String global;
    String genesis;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        this.dir = dir;
        cluster = new LocalCluster(dir, 3);
        KeyFiles.writePrivate(dir.resolve("fa.key"), Chains.signerA(), null);
        KeyFiles.writePrivate(dir.resolve("global.key"), Chains.signerB(), null);
        fa = dir.resolve("fa.key").toString();
        global = dir.resolve("global.key").toString();
        genesis = dir.resolve("genesis.json").toString(); // LocalCluster's
        Eventually.await("a leader", Duration.ofSeconds(30), () -> cluster.get("n1", "/readyz").status() == 200);
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    private CliRun cscs(String... args) {
        return CliRun.at(cluster.url("n1"), Main::commandLine, args);
    }

    private long headSeq(String domain) throws Exception {
        JsonNode h = JSON.readTree(cscs("history", domain, "-o", "json").ok().out()).path("head");
        return h.path("seq").asLong();
    }

    private Path policy(String name, String... lines) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, String.join("\n", lines) + "\n");
        return p;
    }

    @Test
    void diffExitsZeroOneOrThreeAndShowsOldAndNewDownToTheField() throws Exception {
        Path p = policy("fa.yaml", "domain: factory-a", "entries:",
                "  yum/epel: {name: EPEL, baseurl: \"https://a.example/epel/\", enabled: true, gpgcheck: true}",
                "  sysctl/net.diff.a: {value: \"0\"}");
        CliRun first = cscs("diff", "-f", p.toString());
        assertThat(first.exit()).isEqualTo(1);
        assertThat(first.out()).contains("+ yum/epel", "+ sysctl/net.diff.a", "+   \"baseurl\" : \"https://a.example/epel/\"");
        cscs("apply", "-f", p.toString(), "--sign-with", fa).ok();
        CliRun same = cscs("diff", "-f", p.toString());
        assertThat(same.exit()).isZero();
        assertThat(same.out()).contains("factory-a: in sync");

        policy("fa.yaml", "domain: factory-a", "entries:",
                "  yum/epel: {name: EPEL, baseurl: \"https://b.example/epel/\", enabled: true, gpgcheck: true}",
                "  sysctl/net.diff.a: {value: \"0\"}");
        CliRun changed = cscs("diff", "-f", p.toString());
        assertThat(changed.exit()).isEqualTo(1);
        assertThat(changed.out()).contains("~ yum/epel", "-   \"baseurl\" : \"https://a.example/epel/\",",
                "+   \"baseurl\" : \"https://b.example/epel/\",", "    \"name\" : \"EPEL\"").doesNotContain("sysctl/net.diff.a");
        CliRun dry = cscs("apply", "-f", p.toString(), "--dry-run");
        assertThat(dry.exit()).isEqualTo(1);
        assertThat(dry.out()).isEqualTo(changed.out());
    }

    @Test
    void everyInvalidValueIsReportedWithExitThreeAndNothingIsSubmitted() throws Exception {
        Path p = policy("bad.yaml", "domain: global", "entries:",
                "  service/telnet.socket: {state: exploded}",
                "  sysctl/net.bad.ok: {value: \"1\"}",
                "  yum/norepo: {name: x}",
                "---",
                "domain: factory-a", "entries:", "  sysctl/net.bad.a: {}");
        long before = headSeq("global");
        for (String verb : new String[] {"diff", "apply"}) {
            CliRun r = verb.equals("diff") ? cscs("diff", "-f", p.toString())
                    : cscs("apply", "-f", p.toString(), "--sign-with", global, "--sign-with", fa);
            assertThat(r.exit()).as(verb).isEqualTo(3);
            assertThat(r.err()).as(verb).contains("invalid-value", "3 invalid values", "domain global, key service/telnet.socket: ",
                    "domain global, key yum/norepo: ", "domain factory-a, key sysctl/net.bad.a: ").doesNotContain("net.bad.ok");
        }
        assertThat(cscs("apply", "-f", p.toString(), "--dry-run").exit()).isEqualTo(3);
        assertThat(headSeq("global")).isEqualTo(before);
    }

    @Test
    void aMultiDocumentPolicyGivesOneSignedChangesetPerDomain() throws Exception {
        Path p = policy("two.yaml", "domain: global", "entries:", "  sysctl/net.multi.g: {value: \"1\"}", "---",
                "domain: factory-a", "entries:", "  sysctl/net.multi.a: {value: \"1\"}");
        long g = headSeq("global");
        long a = headSeq("factory-a");
        CliRun r = cscs("apply", "-f", p.toString(), "--sign-with", global, "--sign-with", fa).ok();
        assertThat(r.out()).contains("accepted: global seq " + (g + 1), "accepted: factory-a seq " + (a + 1));
        assertThat(cscs("diff", "-f", p.toString()).exit()).isZero();
    }

    @Test
    void revertRestoresTheStateOfSeqNAsOneNewChangeset() throws Exception {
        cscs("put", "global", "sysctl/net.rev.a", "{\"value\":\"1\"}", "--sign-with", global).ok();
        cscs("put", "global", "sysctl/net.rev.b", "{\"value\":\"1\"}", "--sign-with", global).ok();
        long n = headSeq("global");
        cscs("put", "global", "sysctl/net.rev.a", "{\"value\":\"2\"}", "--sign-with", global).ok();
        cscs("rm", "global", "sysctl/net.rev.b", "--sign-with", global).ok();
        cscs("put", "global", "sysctl/net.rev.c", "{\"value\":\"3\"}", "--sign-with", global).ok();
        assertThat(cscs("get", "global", "sysctl/net.rev.a", "--at-seq", String.valueOf(n), "--genesis", genesis).ok().out())
                .contains("\"value\" : \"1\"", "at seq " + n);
        long before = headSeq("global");

        CliRun revert = cscs("revert", "global", "--to-seq", String.valueOf(n), "--genesis", genesis, "--sign-with", global, "--yes");
        assertThat(revert.ok().err()).contains("~ sysctl/net.rev.a", "-   \"value\" : \"2\"", "+   \"value\" : \"1\"",
                "+ sysctl/net.rev.b", "- sysctl/net.rev.c");
        assertThat(revert.out()).contains("accepted: global seq " + (before + 1));
        assertThat(headSeq("global")).isEqualTo(before + 1);
        for (String key : new String[] {"sysctl/net.rev.a", "sysctl/net.rev.b"}) {
            String now = JSON.readTree(cscs("get", "global", key, "-o", "json").ok().out()).path("value").toString();
            String then = JSON.readTree(cscs("get", "global", key, "--at-seq", String.valueOf(n), "--genesis", genesis, "-o", "json").ok().out())
                    .path("value").toString();
            assertThat(now).isEqualTo(then);
        }
        assertThat(cscs("get", "global", "sysctl/net.rev.c").exit()).isEqualTo(1);

        CliRun again = cscs("revert", "global", "--to-seq", String.valueOf(before + 1), "--genesis", genesis, "--sign-with", global, "--yes").ok();
        assertThat(again.out()).contains("nothing to revert");
        assertThat(headSeq("global")).isEqualTo(before + 1);
    }

    @Test
    void rmOfAMissingKeyAndASameValuePutAddNoChangeset() throws Exception {
        cscs("put", "global", "sysctl/net.noop.a", "{\"value\":\"1\"}", "--sign-with", global).ok();
        long before = headSeq("global");
        assertThat(cscs("put", "global", "sysctl/net.noop.a", "{ \"value\" : \"1\" }", "--sign-with", global).ok().out())
                .contains("already holds this value");
        assertThat(cscs("rm", "global", "sysctl/net.noop.missing", "--sign-with", global).ok().out())
                .contains("nothing to remove");
        assertThat(headSeq("global")).isEqualTo(before);
    }
}
