package dev.cscs.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cscs.core.error.ErrorCode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The servers' HTTP API, plain HTTP inside the run's namespace. An {@link IOException} means the
 * outcome is unknown (timeout, refused, reset); a status means the server answered.
 */
final class Api {
    static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    /** A server's answer; an error body is {@code {"error": {"code", "message", "hint"}}} (DESIGN.md). */
    record Reply(int status, JsonNode body) {
        /**
         * The error the server named: a known code whose HTTP status is this reply's; null for
         * a success, a body that is not an error, an unknown code or one sent with another status
         * (not the server's own answer, or a broken one: nothing is inferred from it).
         */
        ErrorCode error() {
            String wire = body.path("error").path("code").asText("");
            ErrorCode c = ErrorCode.fromCode(wire);
            return c.code().equals(wire) && c.httpStatus() == status ? c : null;
        }

        /** The status and what the error says, for the history. */
        String describe() {
            JsonNode e = body.path("error");
            return e.isObject() ? status + " " + e.path("code").asText() + ": " + e.path("message").asText() : status + " " + body;
        }
    }

    Reply get(Server s, String path, Duration timeout) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(s.api() + path)).timeout(timeout).GET().build());
    }

    Reply post(Server s, String path, byte[] body, Duration timeout) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(s.api() + path)).timeout(timeout)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    /** The node's own view ({@code consistency=local}); null when it does not answer. */
    JsonNode local(Server s, String path) {
        try {
            Reply r = get(s, path + (path.contains("?") ? "&" : "?") + "consistency=local", Duration.ofSeconds(3));
            return r.status() == 200 ? r.body() : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Who {@code s} believes leads, or null. */
    String leaderSeenBy(Server s) {
        try {
            Reply r = get(s, "/v1/members", Duration.ofSeconds(2));
            String l = r.body().path("leader").asText("");
            return r.status() == 200 && !l.isEmpty() ? l : null;
        } catch (IOException e) {
            return null;
        }
    }

    private Reply send(HttpRequest req) throws IOException {
        try {
            HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
            JsonNode body;
            try {
                body = r.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(r.body());
            } catch (IOException e) {
                body = JSON.createObjectNode().put("raw", new String(r.body(), StandardCharsets.UTF_8));
            }
            return new Reply(r.statusCode(), body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
