package dev.cscs.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Digest;
import dev.cscs.core.testing.Chains;
import dev.cscs.core.testing.Eventually;
import dev.cscs.core.trust.Signing;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over mutual TLS a per-client limit counts the client certificate, not the address: devices
 * behind one NAT (here all on 127.0.0.1) each get their own share, and one device's second
 * watch is still refused.
 */
class PerClientLimitsIT {
    private final List<InputStream> open = new CopyOnWriteArrayList<>();

    /** The type of the first event on a new watch of {@code global}, read in the background. */
    private CompletableFuture<String> firstEvent(HttpClient client, String node) throws Exception {
        HttpResponse<InputStream> r = client.send(HttpRequest.newBuilder(URI.create(node + "/v1/watch?domains=global"))
                .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(20)).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        open.add(r.body());
        assertThat(r.statusCode()).isEqualTo(200);
        return CompletableFuture.supplyAsync(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.startsWith("event:")) {
                        return line.substring("event:".length()).strip();
                    }
                }
                return "end of stream";
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @Test
    void devicesBehindOneAddressEachHaveTheirOwnWatchShare(@TempDir Path dir) throws Exception {
        TestPki pki = new TestPki(Files.createDirectories(dir.resolve("pki")), "test CA");
        try (LocalCluster c = new LocalCluster(dir, 3, pki, "watchesPerClient: 1")) {
            Eventually.await("a leader", Duration.ofSeconds(60), () -> c.get("n1", "/readyz").status() == 200);
            HttpClient edge1 = HttpClient.newBuilder().sslContext(pki.client("edge1").sslContext(w -> { })).build();
            HttpClient edge2 = HttpClient.newBuilder().sslContext(pki.client("edge2").sslContext(w -> { })).build();

            CompletableFuture<String> first = firstEvent(edge1, c.url("n1"));
            CompletableFuture<String> otherDevice = firstEvent(edge2, c.url("n1"));
            assertThat(firstEvent(edge1, c.url("n1")).get(30, TimeUnit.SECONDS)).as("edge1's second watch").isEqualTo("error");

            var h = c.get("n1", "/v1/changesets/global?limit=0").body().path("head");
            Changeset cs = Chains.signed(Signing.unsigned("global", h.path("seq").asLong() + 1, Digest.parse(h.path("digest").asText()),
                    Chains.T0, List.of(Chains.put("sysctl/net.test.a", "{\"value\":\"1\"}")), null), Chains.signerB());
            assertThat(c.post("n1", "/v1/changesets", ChangesetCodec.toCompactJson(cs)).status()).isEqualTo(201);
            assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo("changeset");
            assertThat(otherDevice.get(30, TimeUnit.SECONDS)).as("another device from the same address").isEqualTo("changeset");
        } finally {
            for (InputStream in : open) {
                in.close();
            }
        }
    }
}
