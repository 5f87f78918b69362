package dev.cscs.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cscs.agent.status.ApplierState;
import dev.cscs.agent.status.StatusReport;
import dev.cscs.agent.status.StatusReport.ApplierStatus;
import dev.cscs.agent.status.StatusReport.DomainHead;
import dev.cscs.core.model.Digest;
import dev.cscs.core.tls.TlsMaterial;
import dev.cscs.server.api.Exposition;
import dev.cscs.store.raft.HostPort;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An edge agent's metrics: the agent figures from a report, the certificate's expiry, and only GET /metrics served. */
class MetricsListenerTest {
    private static final Digest D = Digest.of(new byte[] {1});

    @Test
    void theAgentFiguresAndTheCertificateExpiryAreServedOnLoopback(@TempDir Path dir) throws Exception {
        Exposition e = new Exposition();
        TlsMaterialFixture cert = TlsMaterialFixture.of(dir);
        e.certificate(cert.certificate());
        var agent = e.agent(true);
        agent.reconciled(report(ApplierState.DRIFT_CORRECTED));
        agent.reconciled(report(ApplierState.IN_SYNC));
        try (MetricsListener l = MetricsListener.start(HostPort.parse("127.0.0.1:0"), e)) {
            Scrape s = Scrape.of("http://127.0.0.1:" + l.port());
            assertThat(s.value("cscs_drift_corrected_total{applier=\"sysctl\"}")).hasValue(1);
            assertThat(s.value("cscs_applier_runs_total{applier=\"sysctl\",result=\"in-sync\"}")).hasValue(1);
            // present before the first failure, so an alert on increase() fires on it
            assertThat(s.value("cscs_applier_runs_total{applier=\"sysctl\",result=\"failed\"}")).hasValue(0);
            assertThat(s.value("cscs_domain_applied_seq{domain=\"global\"}")).hasValue(3);
            assertThat(s.value("cscs_domain_head_seq{domain=\"global\"}")).hasValue(5);
            assertThat(s.value("cscs_tls_cert_expiry_timestamp_seconds"))
                    .hasValue((double) cert.certificate().getNotAfter().toInstant().getEpochSecond());
            assertThat(s.text()).contains("cscs_build_info{version=\"dev\"} 1");
            HttpClient http = HttpClient.newHttpClient();
            assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + l.port() + "/v1/status")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(404);
            assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + l.port() + "/metrics"))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.discarding()).statusCode())
                    .isEqualTo(405);
        }
    }

    private static StatusReport report(ApplierState state) {
        return new StatusReport("edge1", Instant.EPOCH, 9, List.of(new DomainHead("global", 3, D)),
                List.of(new DomainHead("global", 5, D)), List.of(new ApplierStatus("sysctl", state, "", List.of())),
                List.of(), List.of(), List.of());
    }

    /** A node certificate from the test CA, valid for 30 days. */
    private record TlsMaterialFixture(X509Certificate certificate) {
        static TlsMaterialFixture of(Path dir) {
            TestPki pki = new TestPki(dir, "ca");
            Path pem = pki.node("edge1", Instant.now(), Duration.ofDays(30));
            return new TlsMaterialFixture(TlsMaterial.readCertificates(Path.of(pem + ".pem")).get(0));
        }
    }
}
