package dev.cscs.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cscs.core.crypto.PassphraseSource;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.testing.Eventually;
import dev.cscs.core.tls.TlsMaterial;
import dev.cscs.server.config.ConfigLoader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Mutual TLS on Raft and the API: only holders of a certificate from the cluster CA get in, and the logs say why. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsIT {
    LocalCluster cluster;
    TestPki pki;
    Path dir;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        this.dir = dir;
        pki = new TestPki(Files.createDirectories(dir.resolve("pki")), "test CA");
        cluster = new LocalCluster(dir, 3, pki);
        Eventually.await("a leader over mutual TLS", Duration.ofSeconds(60), () -> cluster.get("n1", "/readyz").status() == 200);
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    private static int status(SSLContext ssl, String url) throws Exception {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        if (ssl != null) {
            b.sslContext(ssl);
        }
        return b.build().send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    @Test
    void aClientWithACertificateFromTheClusterCaIsServed() {
        assertThat(cluster.get("n2", "/v1/members").body().path("members").size()).isEqualTo(3);
    }

    @Test
    void aClientWithoutACertificateOrFromAnotherCaIsRefused() throws Exception {
        SSLContext trustOnly = SSLContext.getInstance("TLS");
        trustOnly.init(null, new TrustManager[] {TlsMaterial.trustManager(
                TlsMaterial.readCertificates(pki.caFile()), w -> { })}, null);
        assertThatThrownBy(() -> status(trustOnly, cluster.url("n1") + "/healthz")).isInstanceOf(IOException.class);

        TestPki other = new TestPki(Files.createDirectories(dir.resolve("rogue")), "rogue CA");
        SSLContext rogue = other.client("mallory").sslContext(w -> { });
        assertThatThrownBy(() -> status(rogue, cluster.url("n1") + "/healthz")).isInstanceOf(IOException.class);

        assertThatThrownBy(() -> status(null, cluster.url("n1").replace("https", "http") + "/healthz"))
                .as("plain HTTP on the TLS port").isInstanceOf(IOException.class);
    }

    /** Whether a TLS connection to a Raft port with {@code ssl} gets anywhere (gRPC speaks first from the client). */
    private static boolean raftAccepts(SSLContext ssl, int port) {
        try (SSLSocket s = (SSLSocket) ssl.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            SSLParameters p = s.getSSLParameters();
            p.setApplicationProtocols(new String[] {"h2"});
            s.setSSLParameters(p);
            s.startHandshake();
            s.getOutputStream().write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes());
            s.getOutputStream().write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0});
            s.getOutputStream().flush();
            return s.getInputStream().read() >= 0;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void onlyNodeCertificatesOfKnownNodesGetOntoTheRaftPort() throws Exception {
        SSLContext node = TlsMaterial.load(pki.caFile(), dir.resolve("pki/n1.pem"), dir.resolve("pki/n1.key"),
                PassphraseSource.NONE).sslContext(w -> { });
        assertThat(raftAccepts(node, cluster.raftPort("n2"))).as("a member's node certificate").isTrue();
        assertThat(raftAccepts(pki.client("operator").sslContext(w -> { }), cluster.raftPort("n2")))
                .as("an operator's client certificate").isFalse();
        Path stranger = pki.node("n42", Instant.now(), Duration.ofDays(1));
        SSLContext strangerSsl = TlsMaterial.load(pki.caFile(), Path.of(stranger + ".pem"),
                Path.of(stranger + ".key"), PassphraseSource.NONE).sslContext(w -> { });
        assertThat(raftAccepts(strangerSsl, cluster.raftPort("n2"))).as("a CA certificate for a node the cluster does not know")
                .isFalse();
        assertThat(cluster.get("n1", "/readyz").status()).isEqualTo(200);
    }

    @Test
    void aNodeWithAnExpiredCertificateRefusesToStartAndSaysWhy() throws Exception {
        Path expired = pki.node("n9", Instant.now().minus(Duration.ofDays(10)), Duration.ofDays(1));
        Path cfg = dir.resolve("n9.yaml");
        Files.writeString(cfg, String.join("\n",
                "node: {id: n9, dataDir: " + dir.resolve("n9") + "}",
                "raft: {listen: 127.0.0.1:" + LocalCluster.freePort() + ", peers: [n9@127.0.0.1:1]}",
                "api: {listen: 127.0.0.1:" + LocalCluster.freePort() + "}",
                "trust: {genesis: " + dir.resolve("genesis.json") + "}",
                "tls: {ca: " + pki.caFile() + ", cert: " + expired + ".pem, key: " + expired + ".key}",
                "log: {dir: " + dir.resolve("n9/log") + "}", ""));
        assertThatThrownBy(() -> Daemon.start(ConfigLoader.load(cfg)))
                .isInstanceOfSatisfying(CscsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_CONFIG))
                .hasMessageContaining("expired on");
    }

    @Test
    void aNodeCertificateForAnotherNodeIsRefused() throws Exception {
        Path wrong = pki.node("n8", Instant.now(), Duration.ofDays(1));
        Path cfg = dir.resolve("n7.yaml");
        Files.writeString(cfg, String.join("\n",
                "node: {id: n7, dataDir: " + dir.resolve("n7") + "}",
                "raft: {listen: 127.0.0.1:" + LocalCluster.freePort() + ", peers: [n7@127.0.0.1:1]}",
                "trust: {genesis: " + dir.resolve("genesis.json") + "}",
                "tls: {ca: " + pki.caFile() + ", cert: " + wrong + ".pem, key: " + wrong + ".key}",
                "log: {dir: " + dir.resolve("n7/log") + "}", ""));
        assertThatThrownBy(() -> Daemon.start(ConfigLoader.load(cfg))).hasMessageContaining("not for node n7");
    }
}
