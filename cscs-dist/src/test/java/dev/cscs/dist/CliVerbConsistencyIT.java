package dev.cscs.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cscs.cli.CliRun;
import dev.cscs.core.crypto.KeyFiles;
import dev.cscs.core.testing.Chains;
import dev.cscs.core.testing.Eventually;
import dev.cscs.server.LocalCluster;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The verbs agree with each other and with DESIGN.md §6 about the same situation, against a real 3-node cluster. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliVerbConsistencyIT {
    LocalCluster cluster;
    Path dir;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        this.dir = dir;
        cluster = new LocalCluster(dir, 3);
        KeyFiles.writePrivate(dir.resolve("global.key"), Chains.signerB(), null);
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
    void anUnknownDomainIsExit3UnknownDomainFromPutGetLsHistoryAndSubmit() {
        String key = dir.resolve("global.key").toString();
        Path cs = dir.resolve("nope.json");
        cscs("n1", "sign", "--domain", "nope", "--put", "sysctl/net.x={\"value\":\"1\"}", "--seq", "1",
                "--prev", "sha256:" + "0".repeat(64), "--sign-with", key, "--out", cs.toString()).ok();
        CliRun[] runs = {
            cscs("n1", "put", "nope", "sysctl/net.x", "{\"value\":\"1\"}", "--sign-with", key),
            cscs("n2", "get", "nope", "sysctl/net.x"),
            cscs("n3", "ls", "nope"),
            cscs("n1", "history", "nope"),
            cscs("n2", "submit", cs.toString()),
        };
        for (CliRun r : runs) {
            assertThat(r.exit()).as(r.err()).isEqualTo(3);
            assertThat(r.err()).contains("unknown-domain").contains("nope is not in the trust policy");
        }
        // a missing key of a known domain is still not-found, exit 1
        CliRun missing = cscs("n1", "get", "global", "sysctl/net.no.such.key");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("not-found");
    }

    @Test
    void aStaleSignedFileSaysToSignAgainAtTheNewHeadWhileAStalePutRebasesItself() {
        String key = dir.resolve("global.key").toString();
        cscs("n1", "put", "global", "sysctl/net.a", "{\"value\":\"1\"}", "--sign-with", key).ok();
        Path cs = dir.resolve("stale.json");
        cscs("n1", "sign", "--domain", "global", "--delete", "sysctl/net.a", "--sign-with", key, "--out", cs.toString()).ok();
        CliRun head = cscs("n2", "put", "global", "sysctl/net.b", "{\"value\":\"1\"}", "--sign-with", key, "-o", "json").ok();
        String seq = head.out().replaceAll("(?s).*\"seq\"\\s*:\\s*(\\d+).*", "$1");
        String digest = head.out().replaceAll("(?s).*\"digest\"\\s*:\\s*\"(sha256:[0-9a-f]{64})\".*", "$1");

        CliRun stale = cscs("n3", "submit", cs.toString());
        assertThat(stale.exit()).isEqualTo(4);
        assertThat(stale.err()).contains("wrong-seq")
                .contains("the chain moved on to seq " + seq + " (head " + digest + ")")
                .contains("cscs sign --domain global … --seq " + (Long.parseLong(seq) + 1) + " --prev " + digest)
                .contains("cscs cosign")
                .doesNotContain("re-run", "rebase");
    }
}
