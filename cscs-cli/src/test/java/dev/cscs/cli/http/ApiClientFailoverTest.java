package dev.cscs.cli.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A request goes to the next endpoint on no answer or a 503, and only then. */
class ApiClientFailoverTest {
    private final List<HttpServer> servers = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private String server(int status, String body, AtomicInteger hits) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.createContext("/", ex -> {
            hits.incrementAndGet();
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        s.start();
        servers.add(s);
        return "http://127.0.0.1:" + s.getAddress().getPort();
    }

    private static String deadEndpoint() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + s.getLocalPort();
        }
    }

    @AfterEach
    void stop() {
        servers.forEach(s -> s.stop(0));
    }

    @Test
    void aDeadThenAnUnavailableEndpointArePassedOverAndTheHealthyOneIsKept() throws IOException {
        AtomicInteger busy = new AtomicInteger();
        AtomicInteger good = new AtomicInteger();
        String dead = deadEndpoint();
        String noLeader = server(503, "{\"error\":{\"code\":\"unavailable\",\"message\":\"no leader\"}}", busy);
        String healthy = server(200, "{\"ok\":true}", good);
        ApiClient api = new ApiClient(List.of(dead, noLeader, healthy), http, Duration.ofSeconds(5));

        assertThat(api.get("/v1/status").path("ok").asBoolean()).isTrue();
        assertThat(api.base().toString()).isEqualTo(healthy);
        assertThat(api.post("/v1/changesets", "{}".getBytes(StandardCharsets.UTF_8)).path("ok").asBoolean()).isTrue();
        assertThat(busy.get()).isEqualTo(1);
        assertThat(good.get()).isEqualTo(2);
    }

    @Test
    void aRefusalIsNotFailedOver() throws IOException {
        AtomicInteger first = new AtomicInteger();
        AtomicInteger second = new AtomicInteger();
        String conflict = server(409, "{\"error\":{\"code\":\"wrong-seq\",\"message\":\"seq 3 is taken\"}}", first);
        String other = server(200, "{}", second);
        ApiClient api = new ApiClient(List.of(conflict, other), http, Duration.ofSeconds(5));
        assertThatThrownBy(() -> api.get("/v1/x")).isInstanceOf(CscsException.class)
                .satisfies(e -> assertThat(((CscsException) e).code()).isEqualTo(ErrorCode.WRONG_SEQ));
        assertThat(second.get()).isZero();
    }

    @Test
    void whenEveryEndpointIsDownTheErrorNamesEachOfThem() throws IOException {
        String a = deadEndpoint();
        String b = deadEndpoint();
        ApiClient api = new ApiClient(List.of(a, b), http, Duration.ofSeconds(5));
        assertThatThrownBy(() -> api.get("/v1/x")).isInstanceOf(CscsException.class)
                .hasMessageContaining(a).hasMessageContaining(b)
                .satisfies(e -> assertThat(((CscsException) e).code()).isEqualTo(ErrorCode.UNAVAILABLE));
    }
}
