package dev.cscs.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cscs.core.crypto.KeyFiles;
import dev.cscs.core.crypto.PassphraseSource;
import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.testing.Chains;
import dev.cscs.core.testing.Eventually;
import dev.cscs.core.trust.JoinToken;
import dev.cscs.server.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Signed joins over mutual TLS: a provisioned node joins as a replica once; replays, expired and forged tokens are refused. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JoinIT {
    LocalCluster cluster;
    TestPki pki;
    Path dir;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        this.dir = dir;
        pki = new TestPki(Files.createDirectories(dir.resolve("pki")), "test CA");
        cluster = new LocalCluster(dir, 3, pki);
        Eventually.await("a leader", Duration.ofSeconds(60), () -> cluster.get("n1", "/readyz").status() == 200);
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    /** Provisions {@code id} (key, certificate, token) and writes its config; returns the config path. */
    private Path provision(String id, String configName, JoinToken token) throws Exception {
        Path cfg = dir.resolve(configName + ".yaml");
        Files.write(dir.resolve(configName + ".token"), (token.toJson().toString() + "\n").getBytes());
        Files.writeString(cfg, String.join("\n",
                "node: {id: " + id + ", dataDir: " + dir.resolve(configName) + ", domains: [global]}",
                "raft:",
                "  listen: 127.0.0.1:" + LocalCluster.freePort(),
                "  join: {endpoint: \"" + cluster.url("n2") + "\", token: " + dir.resolve(configName + ".token") + "}",
                "api: {listen: 127.0.0.1:" + LocalCluster.freePort() + "}",
                "trust: {genesis: " + dir.resolve("genesis.json") + "}",
                "tls: {ca: " + pki.caFile() + ", cert: " + dir.resolve("pki").resolve(id) + ".pem, key: "
                        + dir.resolve("pki").resolve(id) + ".key}",
                "agent: {enabled: false}",
                "log: {dir: " + dir.resolve(configName).resolve("log") + "}", ""));
        return cfg;
    }

    private PrivateKeyRef nodeKey(String id) {
        pki.node(id, Instant.now(), Duration.ofDays(1));
        return KeyFiles.readPrivate(dir.resolve("pki").resolve(id + ".key"), PassphraseSource.NONE);
    }

    @Test
    void aProvisionedNodeJoinsAsAReplicaAndItsTokenWorksOnce() throws Exception {
        PrivateKeyRef key = nodeKey("n4");
        JoinToken token = JoinToken.issue("n4", "replica", List.of("global"), key.publicKey(), Instant.now(),
                Duration.ofHours(1), List.of(Chains.root()));
        Daemon n4 = Daemon.start(ConfigLoader.load(provision("n4", "n4", token)));
        try {
            Eventually.await("n4 is a replica", Duration.ofSeconds(60), () -> cluster.get("n1", "/v1/members").body()
                    .path("members").toString().contains("\"id\":\"n4\",\"address\":"));
            assertThat(cluster.get("n1", "/v1/members").body().path("members").toString()).contains("\"replica\"");
            Eventually.await("n4 has the genesis chain", Duration.ofSeconds(30),
                    () -> n4.raft().store().head("global") != null && n4.raft().info().appliedIndex() > 0);
        } finally {
            n4.close();
        }
        assertThatThrownBy(() -> Daemon.start(ConfigLoader.load(provision("n4", "n4-again", token))))
                .isInstanceOfSatisfying(CscsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_TOKEN))
                .hasMessageContaining("already used");
    }

    @Test
    void expiredAndForgedTokensAreRefusedAndAlerted() throws Exception {
        PrivateKeyRef key = nodeKey("n5");
        JoinToken expired = JoinToken.issue("n5", "replica", List.of(), key.publicKey(), Instant.now().minus(Duration.ofHours(2)),
                Duration.ofHours(1), List.of(Chains.root()));
        assertThatThrownBy(() -> Daemon.start(ConfigLoader.load(provision("n5", "n5-expired", expired))))
                .hasMessageContaining("expired");
        JoinToken forged = JoinToken.issue("n5", "voter", List.of(), key.publicKey(), Instant.now(), Duration.ofHours(1),
                List.of(Chains.signerA()));
        assertThatThrownBy(() -> Daemon.start(ConfigLoader.load(provision("n5", "n5-forged", forged))))
                .hasMessageContaining("not an operator or root key");
        Eventually.await("bad-token alerts", Duration.ofSeconds(20), () -> cluster.daemon("n1").raft().store().alerts().stream()
                .filter(a -> a.code().equals("bad-token")).count() >= 2);
        assertThat(cluster.get("n1", "/v1/members").body().path("members").toString()).doesNotContain("n5");
    }

    @Test
    void aTokenForAnotherNodeIsRefusedBeforeAnythingIsSent() throws Exception {
        PrivateKeyRef key = nodeKey("n6");
        JoinToken other = JoinToken.issue("n7", "replica", List.of(), key.publicKey(), Instant.now(), Duration.ofHours(1),
                List.of(Chains.root()));
        assertThatThrownBy(() -> Daemon.start(ConfigLoader.load(provision("n6", "n6", other))))
                .hasMessageContaining("is a token for n7, not for node n6");
    }

    @Test
    void aNodeJoiningAsAVoterGetsAVoteOnceItHasCaughtUp() throws Exception {
        PrivateKeyRef key = nodeKey("n8");
        JoinToken token = JoinToken.issue("n8", "voter", List.of("global"), key.publicKey(), Instant.now(),
                Duration.ofHours(1), List.of(Chains.root()));
        Daemon n8 = Daemon.start(ConfigLoader.load(provision("n8", "n8", token)));
        try {
            Eventually.await("n8 is a voter", Duration.ofSeconds(60), () -> cluster.get("n1", "/v1/members").body()
                    .path("members").toString().matches(".*\\{\"id\":\"n8\",[^}]*\"role\":\"voter\".*"));
        } finally {
            n8.close();
        }
    }
}
