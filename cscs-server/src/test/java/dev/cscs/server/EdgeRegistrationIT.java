package dev.cscs.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cscs.core.crypto.KeyFiles;
import dev.cscs.core.crypto.KeyGen;
import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.testing.Chains;
import dev.cscs.core.testing.Eventually;
import dev.cscs.core.trust.JoinToken;
import dev.cscs.server.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An edge device registers its key once with its join token, through whichever server answers;
 * a power cut after the join was committed and before the device wrote that it was registered
 * does not leave it unable to start (its token is spent, and it was its own join).
 */
class EdgeRegistrationIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @Test
    void aDeviceWhoseJoinAnswerWasLostStartsAgainRegisteredAndItsReportsAreVerified(@TempDir Path dir) throws Exception {
        try (LocalCluster c = new LocalCluster(dir, 3)) {
            Eventually.await("a leader", DEADLINE, () -> c.get("n1", "/readyz").status() == 200);
            Path data = Files.createDirectories(dir.resolve("edge1"));
            PrivateKeyRef key = KeyGen.generate("ecdsa-p256");
            KeyFiles.writePrivate(data.resolve("node-identity.key"), key, null);
            JoinToken token = JoinToken.issue("edge1", "agent", List.of("global"), key.publicKey(), Instant.now(),
                    Duration.ofHours(1), List.of(Chains.root()));
            Files.writeString(dir.resolve("edge1.token"), token.toJson().toString());
            Path cfg = dir.resolve("edge.yaml");
            Files.writeString(cfg, String.join("\n",
                    "node: {id: edge1, dataDir: " + data + ", domains: [global]}",
                    // the first endpoint is down: registration goes on to the next
                    "server: {endpoints: [\"http://127.0.0.1:" + LocalCluster.freePort() + "\", \"" + c.url("n2") + "\"], token: "
                            + dir.resolve("edge1.token") + "}",
                    "trust: {genesis: " + dir.resolve("genesis.json") + "}",
                    "insecure: true",
                    "agent: {root: " + data.resolve("root") + ", quietPeriod: 20ms, statusInterval: 1s, appliers: [sysctl]}",
                    "log: {dir: " + data.resolve("log") + "}", ""));

            try (EdgeDaemon first = EdgeDaemon.start(ConfigLoader.load(cfg))) {
                assertThat(data.resolve("agent-registered")).exists();
            }
            // the power cut: the join is in the log, the marker never reached the disk
            Files.delete(data.resolve("agent-registered"));

            try (EdgeDaemon again = EdgeDaemon.start(ConfigLoader.load(cfg))) {
                assertThat(data.resolve("agent-registered")).exists();
                Eventually.await("edge1's signed report recorded as verified", DEADLINE, () -> {
                    var rows = c.get("n1", "/v1/status").body().path("nodes");
                    for (var row : rows) {
                        if (row.path("node").asText().equals("edge1") && row.path("verified").asBoolean()) {
                            return true;
                        }
                    }
                    return false;
                });
            }
        }
    }
}
