package dev.cscs.agent.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cscs.agent.status.ApplierState;
import dev.cscs.agent.status.StatusReport;
import dev.cscs.core.testing.Eventually;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Status reports POSTed as JSON; a server without the endpoint yet, or without a leader, costs one report, not the agent. */
class HttpStatusSinkTest {
    final SseServer server;

    HttpStatusSinkTest() throws Exception {
        server = new SseServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    static StatusReport report(long revision) {
        return new StatusReport("edge-1", Instant.parse("2026-11-29T16:00:00Z"), revision, List.of(), List.of(),
                List.of(new StatusReport.ApplierStatus("yum", ApplierState.IN_SYNC, "", List.of())), List.of(), List.of(), List.of());
    }

    @Test
    void reportsArePostedAsTheDocumentedJsonAndFailuresAreRetriedWithTheNextReport() {
        server.statusAnswers(404, 503, 204);
        HttpStatusSink sink = new HttpStatusSink(List.of(server.uri()), HttpChangesetFeed.defaultClient());

        sink.report(report(1));
        Eventually.await("a 404", Duration.ofSeconds(10), () -> sink.lastOutcome().contains("HTTP 404"));
        assertThat(sink.lastOutcome()).contains("not sent").contains("the next report retries");
        sink.report(report(2));
        Eventually.await("a 503", Duration.ofSeconds(10), () -> sink.lastOutcome().contains("HTTP 503"));
        sink.report(report(3));
        Eventually.await("a 204", Duration.ofSeconds(10), () -> sink.lastOutcome().contains("HTTP 204"));

        assertThat(server.statusBodies).extracting(b -> StatusReport.fromJson(b).revision()).containsExactly(1L, 2L, 3L);
    }

    @Test
    void anUnreachableEndpointMovesTheNextReportToTheNextEndpoint() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0)) {
            dead = s.getLocalPort();
        }
        HttpStatusSink sink = new HttpStatusSink(List.of(URI.create("http://127.0.0.1:" + dead), server.uri()),
                HttpChangesetFeed.defaultClient());

        sink.report(report(1));
        Eventually.await("a failure", Duration.ofSeconds(10), () -> sink.lastOutcome().contains("not sent to http://127.0.0.1:" + dead));
        sink.report(report(2));
        Eventually.await("the second endpoint", Duration.ofSeconds(10), () -> server.statusBodies.size() == 1);
        assertThat(StatusReport.fromJson(server.statusBodies.get(0)).revision()).isEqualTo(2);
    }
}
