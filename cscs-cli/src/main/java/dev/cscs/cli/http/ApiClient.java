package dev.cscs.cli.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cscs.cli.GlobalOptions;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * The HTTP client of the online verbs (JDK {@link HttpClient}). Every failure becomes a
 * {@link CscsException} with the server's stable code, or {@code unavailable} when the
 * endpoint cannot be reached.
 */
public final class ApiClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final URI base;
    private final HttpClient http;

    public ApiClient(GlobalOptions global) {
        this(global.endpoint(), TlsClient.build(global));
    }

    public ApiClient(String endpoint, HttpClient http) {
        String e = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        try {
            this.base = URI.create(e);
        } catch (IllegalArgumentException ex) {
            throw new CscsException(ErrorCode.USAGE, "endpoint \"" + endpoint + "\" is not a URL");
        }
        if (base.getScheme() == null || !(base.getScheme().equals("http") || base.getScheme().equals("https"))) {
            throw new CscsException(ErrorCode.USAGE, "endpoint \"" + endpoint + "\" must start with http:// or https://");
        }
        this.http = http;
    }

    public URI base() {
        return base;
    }

    public JsonNode get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    public JsonNode post(String path, byte[] json) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json)));
    }

    public JsonNode delete(String path, byte[] json) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .method("DELETE", HttpRequest.BodyPublishers.ofByteArray(json)));
    }

    public HttpClient http() {
        return http;
    }

    public URI uri(String path) {
        return URI.create(base + path);
    }

    private JsonNode send(HttpRequest.Builder request) {
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpConnectTimeoutException | ConnectException e) {
            throw unreachable("connection refused or timed out");
        } catch (HttpTimeoutException e) {
            throw unreachable("no answer within 30 s");
        } catch (IOException e) {
            throw unreachable(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CscsException(ErrorCode.UNAVAILABLE, "interrupted");
        }
        return decode(response.statusCode(), response.body());
    }

    /** Turns a response into its JSON, or into the typed error the server reported. */
    public static JsonNode decode(int status, byte[] body) {
        JsonNode tree;
        try {
            tree = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            if (status >= 400) {
                throw new CscsException(status == 503 ? ErrorCode.UNAVAILABLE : ErrorCode.INTERNAL,
                        "HTTP " + status + " with a non-JSON body");
            }
            throw new CscsException(ErrorCode.INTERNAL, "the server sent invalid JSON");
        }
        if (status >= 400) {
            JsonNode error = tree.path("error");
            ErrorCode code = error.has("code") ? ErrorCode.fromCode(error.path("code").asText()) : statusCode(status);
            throw new CscsException(code, error.path("message").asText("HTTP " + status));
        }
        return tree;
    }

    private static ErrorCode statusCode(int status) {
        switch (status) {
            case 400: return ErrorCode.MALFORMED;
            case 403: return ErrorCode.BAD_SIGNATURE;
            case 404: return ErrorCode.NOT_FOUND;
            case 409: return ErrorCode.WRONG_SEQ;
            case 413: return ErrorCode.TOO_LARGE;
            case 429: return ErrorCode.RATE_LIMITED;
            case 503: return ErrorCode.UNAVAILABLE;
            default: return ErrorCode.INTERNAL;
        }
    }

    private CscsException unreachable(String why) {
        return new CscsException(ErrorCode.UNAVAILABLE, "cannot reach " + base + ": " + why);
    }
}
