package dev.cscs.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalDouble;

/** A plain-HTTP scrape of {@code /metrics} and the value of one sample in it. */
record Scrape(String contentType, byte[] body) {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static Scrape of(String baseUrl) {
        try {
            HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/metrics"))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("GET " + baseUrl + "/metrics: " + r.statusCode());
            }
            return new Scrape(r.headers().firstValue("Content-Type").orElse(""), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The value of the sample written exactly {@code series} (name and labels as exposed). */
    OptionalDouble value(String series) {
        for (String line : text().split("\n")) {
            if (line.startsWith(series + " ")) {
                return OptionalDouble.of(Double.parseDouble(line.substring(series.length() + 1).trim().split(" ")[0]));
            }
        }
        return OptionalDouble.empty();
    }

    /** Keeps the exposition under target/metrics, for packaging/test/metrics-check to lint again. */
    void save(String name) throws IOException {
        Path dir = Path.of("target", "metrics");
        Files.createDirectories(dir);
        Files.write(dir.resolve(name + ".prom"), body);
    }
}
