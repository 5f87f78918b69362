package dev.cscs.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Head;
import dev.cscs.core.sse.SseParser;
import dev.cscs.core.testing.Chains;
import dev.cscs.core.testing.Eventually;
import dev.cscs.core.trust.Signing;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watch stream over real HTTP: resume after the last event seen, and a full snapshot where history was compacted. */
class WatchIT {
    private final HttpClient http = HttpClient.newHttpClient();

    private static void put(LocalCluster c, String key) {
        var h = c.get("n1", "/v1/changesets/global?limit=0").body().path("head");
        Head head = new Head(h.path("seq").asLong(), Digest.parse(h.path("digest").asText()));
        var cs = Chains.signed(Signing.unsigned("global", head.seq() + 1, head.digest(), Chains.T0,
                List.of(Chains.put("sysctl/net.test." + key, "{\"value\":\"1\"}")), null), Chains.signerB());
        assertThat(c.post("n1", "/v1/changesets", ChangesetCodec.toCompactJson(cs)).status()).isEqualTo(201);
    }

    /** Reads events until {@code n} arrived; returns them. */
    private List<SseParser.Event> read(String url, String lastEventId, int n) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream");
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        List<SseParser.Event> events = new ArrayList<>();
        SseParser parser = new SseParser(events::add, 1 << 20);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String line;
            while (events.size() < n && (line = in.readLine()) != null) {
                parser.line(line);
            }
        }
        return events;
    }

    @Test
    void aWatchResumesAfterTheLastEventAndStartsWithAFullSnapshotWhereHistoryWasCompacted(@TempDir Path dir) throws Exception {
        try (LocalCluster c = new LocalCluster(dir, 3, null, "alertInterval: 0s", false, "eventHistory: 3")) {
            Eventually.await("a leader", Duration.ofSeconds(30), () -> c.get("n1", "/readyz").status() == 200);
            put(c, "a");
            put(c, "b");
            String url = c.url("n2") + "/v1/watch?domains=global";
            List<SseParser.Event> first = read(url + "&fromRevision=0", null, 2);
            assertThat(first).extracting(SseParser.Event::type).containsExactly("changeset", "changeset");

            put(c, "c");
            List<SseParser.Event> resumed = read(url, first.get(1).id(), 1);
            assertThat(resumed.get(0).data()).contains("net.test.c").doesNotContain("net.test.b");

            for (String k : List.of("d", "e", "f", "g")) {
                put(c, k);
            }
            // the watch serves n2's own state: a snapshot taken before n2 applied g would rightly lack it
            Eventually.await("n2 has applied global seq 7", Duration.ofSeconds(30), () -> c.get("n2",
                    "/v1/changesets/global?limit=0&consistency=local").body().path("head").path("seq").asLong() == 7);
            List<SseParser.Event> compacted = read(url + "&fromRevision=" + first.get(0).id(), null, 1);
            assertThat(compacted.get(0).type()).isEqualTo("snapshot");
            assertThat(compacted.get(0).data()).contains("net.test.a").contains("net.test.g").contains("\"domain\":\"_trust\"");
        }
    }
}
