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
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The HTTP client of the online verbs (JDK {@link HttpClient}). Every failure becomes a
 * {@link CscsException} with the server's stable code, or {@code unavailable} when no
 * endpoint can be reached.
 *
 * <p>With several endpoints, a request that gets no answer (refused, reset, timed out) or a
 * 503 (no leader, no quorum) is sent to the next one, each at most once; the client then
 * stays on the endpoint that answered. Resending a write is safe: a changeset names the seq
 * and prev it follows, so a second copy of one that was committed is refused as a conflict.
 */
public final class ApiClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<URI> bases;
    private final HttpClient http;
    private final Duration timeout;
    private int current;

    public ApiClient(GlobalOptions global) {
        this(global.connection().endpoints(), TlsClient.build(global), global.connection().timeout());
    }

    public ApiClient(List<String> endpoints, HttpClient http, Duration timeout) {
        List<URI> list = new ArrayList<>();
        for (String endpoint : endpoints) {
            list.add(parse(endpoint));
        }
        if (list.isEmpty()) {
            throw new CscsException(ErrorCode.USAGE, "no endpoint given");
        }
        this.bases = List.copyOf(list);
        this.http = http;
        this.timeout = timeout;
    }

    private static URI parse(String endpoint) {
        String e = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        URI base;
        try {
            base = URI.create(e);
        } catch (IllegalArgumentException ex) {
            throw new CscsException(ErrorCode.USAGE, "endpoint \"" + endpoint + "\" is not a URL");
        }
        if (base.getScheme() == null || !(base.getScheme().equals("http") || base.getScheme().equals("https"))) {
            throw new CscsException(ErrorCode.USAGE, "endpoint \"" + endpoint + "\" must start with http:// or https://");
        }
        return base;
    }

    /** The endpoint requests go to now. */
    public URI base() {
        return bases.get(current);
    }

    public List<URI> endpoints() {
        return bases;
    }

    /** Moves to the next endpoint (after the last, the first again); true when it wrapped around. */
    public boolean next() {
        current = (current + 1) % bases.size();
        return current == 0;
    }

    public Duration timeout() {
        return timeout;
    }

    public JsonNode get(String path) {
        return send(path, u -> HttpRequest.newBuilder(u).GET());
    }

    public JsonNode post(String path, byte[] json) {
        return send(path, u -> HttpRequest.newBuilder(u).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json)));
    }

    public JsonNode delete(String path, byte[] json) {
        return send(path, u -> HttpRequest.newBuilder(u).header("Content-Type", "application/json")
                .method("DELETE", HttpRequest.BodyPublishers.ofByteArray(json)));
    }

    public HttpClient http() {
        return http;
    }

    public URI uri(String path) {
        return URI.create(base() + path);
    }

    /** {@code request} against each endpoint in turn, from the current one, until one answers. */
    private JsonNode send(String path, Function<URI, HttpRequest.Builder> request) {
        List<String> failures = new ArrayList<>();
        for (int tried = 0; tried < bases.size(); tried++) {
            try {
                return sendOnce(request.apply(uri(path)));
            } catch (CscsException e) {
                if (e.code() != ErrorCode.UNAVAILABLE || bases.size() == 1) {
                    throw e;
                }
                failures.add(e.getMessage());
                next();
            }
        }
        throw new CscsException(ErrorCode.UNAVAILABLE, "no endpoint answered: " + String.join("; ", failures));
    }

    private JsonNode sendOnce(HttpRequest.Builder request) {
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpConnectTimeoutException | ConnectException e) {
            throw unreachable("connection refused or timed out");
        } catch (HttpTimeoutException e) {
            throw unreachable("no answer within " + timeout.toMillis() + " ms");
        } catch (IOException e) {
            throw unreachable(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CscsException(ErrorCode.UNAVAILABLE, "interrupted");
        }
        try {
            return decode(response.statusCode(), response.body());
        } catch (CscsException e) {
            throw e.code() == ErrorCode.UNAVAILABLE ? new CscsException(e.code(), base() + ": " + e.getMessage()) : e;
        }
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
        return new CscsException(ErrorCode.UNAVAILABLE, "cannot reach " + base() + ": " + why);
    }
}
