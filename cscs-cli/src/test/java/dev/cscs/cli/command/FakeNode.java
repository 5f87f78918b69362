package dev.cscs.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A loopback HTTP server answering fixed JSON per path (the query is ignored); 404 otherwise. */
final class FakeNode implements AutoCloseable {
    private final HttpServer server;
    final Map<String, JsonNode> answers = new ConcurrentHashMap<>();

    FakeNode() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            JsonNode a = answers.get(ex.getRequestURI().getPath());
            byte[] body = (a == null ? "{\"error\":{\"code\":\"not-found\",\"message\":\"no such path\"}}" : a.toString())
                    .getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(a == null ? 404 : 200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
