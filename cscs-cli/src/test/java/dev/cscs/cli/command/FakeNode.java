package dev.cscs.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback HTTP server answering fixed JSON per path; 404 otherwise. A changeset listing is
 * paged as the real node pages it ({@code fromSeq}, {@code limit}), unless {@link #ignoreFromSeq}
 * makes it answer the whole list to every page, as a broken or hostile node might.
 */
final class FakeNode implements AutoCloseable {
    private static final Pattern FROM = Pattern.compile("fromSeq=([0-9]+)");
    private static final Pattern LIMIT = Pattern.compile("limit=([0-9]+)");
    private final HttpServer server;
    final Map<String, JsonNode> answers = new ConcurrentHashMap<>();
    volatile boolean ignoreFromSeq;

    FakeNode() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            JsonNode a = answers.get(ex.getRequestURI().getPath());
            if (a != null && a.has("changesets") && !ignoreFromSeq) {
                a = page((ObjectNode) a, ex.getRequestURI().getQuery());
            }
            byte[] body = (a == null ? "{\"error\":{\"code\":\"not-found\",\"message\":\"no such path\"}}" : a.toString())
                    .getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(a == null ? 404 : 200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
    }

    private static JsonNode page(ObjectNode all, String query) {
        long from = number(FROM, query, 1);
        long limit = number(LIMIT, query, Long.MAX_VALUE);
        ObjectNode page = all.deepCopy();
        ArrayNode kept = page.putArray("changesets");
        for (JsonNode c : all.path("changesets")) {
            if (c.path("seq").asLong() >= from && kept.size() < limit) {
                kept.add(c);
            }
        }
        return page;
    }

    private static long number(Pattern p, String query, long otherwise) {
        Matcher m = p.matcher(query == null ? "" : query);
        return m.find() ? Long.parseLong(m.group(1)) : otherwise;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
