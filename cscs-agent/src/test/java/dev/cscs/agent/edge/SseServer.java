package dev.cscs.agent.edge;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cscs.agent.feed.FeedItem;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.trust.Freshness;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A tiny watch server on 127.0.0.1: each connection to {@code /v1/watch} plays the next
 * scripted behaviour (events, then close or hold); with no script left it holds the stream open
 * and silent. {@code POST /v1/status} answers the next scripted status code and keeps the body;
 * {@code GET /readyz} is always 200.
 */
final class SseServer implements AutoCloseable {
    /** What one watch connection does; returning closes the stream. */
    @FunctionalInterface
    interface Script {
        void play(HttpExchange ex, Out out) throws IOException, InterruptedException;
    }

    /** The open event stream of one connection. */
    final class Out {
        private final HttpExchange ex;
        private OutputStream os;

        Out(HttpExchange ex) {
            this.ex = ex;
        }

        /** Sends the 200 headers first if this is the first write. */
        Out raw(String text) throws IOException {
            if (os == null) {
                ex.sendResponseHeaders(200, 0);
                os = ex.getResponseBody();
            }
            os.write(text.getBytes(StandardCharsets.UTF_8));
            os.flush();
            return this;
        }

        Out changeset(FeedItem i) throws IOException {
            return raw("event: changeset\nid: " + i.revision() + "\ndata: " + event(i) + "\n\n");
        }

        Out snapshot(long revision, List<FeedItem> items) throws IOException {
            ObjectNode o = JsonNodeFactory.instance.objectNode().put("revision", revision);
            var list = o.putArray("changesets");
            items.forEach(i -> list.add(stored(i)));
            return raw("event: snapshot\nid: " + revision + "\ndata: " + o + "\n\n");
        }

        Out freshness(long revision, Freshness f) throws IOException {
            ObjectNode o = JsonNodeFactory.instance.objectNode().put("revision", revision);
            o.set("freshness", f.toJson());
            return raw("event: freshness\ndata: " + o + "\n\n");
        }

        /** Keeps the stream open, silent, until the server stops. */
        void hold() throws InterruptedException {
            stopped.await();
        }
    }

    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final BlockingQueue<Script> scripts = new LinkedBlockingQueue<>();
    private final BlockingQueue<Integer> statusCodes = new LinkedBlockingQueue<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    final List<String> watchQueries = new CopyOnWriteArrayList<>();
    final List<String> statusBodies = new CopyOnWriteArrayList<>();
    volatile int readyChecks;

    SseServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(pool);
        server.createContext("/v1/watch", this::watch);
        server.createContext("/v1/status", this::status);
        server.createContext("/readyz", this::ready);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    SseServer then(Script s) {
        scripts.add(s);
        return this;
    }

    SseServer statusAnswers(Integer... codes) {
        statusCodes.addAll(List.of(codes));
        return this;
    }

    static ObjectNode stored(FeedItem i) {
        ObjectNode o = JsonNodeFactory.instance.objectNode().put("revision", i.revision()).put("domain", i.domain())
                .put("seq", i.seq()).put("digest", ChangesetCodec.digest(i.changeset().body()).toString());
        o.set("changeset", ChangesetCodec.toTree(i.changeset()));
        return o;
    }

    /** As the server sends it: the stored changeset plus its ops. */
    static ObjectNode event(FeedItem i) {
        ObjectNode o = stored(i);
        o.set("ops", o.get("changeset").get("body").get("ops"));
        return o;
    }

    private void watch(HttpExchange ex) throws IOException {
        watchQueries.add(ex.getRequestURI().getRawQuery());
        Script s = scripts.poll();
        try (ex) {
            ex.getResponseHeaders().add("Content-Type", "text/event-stream");
            if (s == null) {
                new Out(ex).raw(": nothing scripted\n\n").hold();
                return;
            }
            s.play(ex, new Out(ex));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client went away: what the tests provoke
        }
    }

    private void status(HttpExchange ex) throws IOException {
        try (ex) {
            statusBodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            Integer code = statusCodes.poll();
            ex.sendResponseHeaders(code == null ? 204 : code, -1);
        }
    }

    /** Always ready: the tests script failures on the watch itself. */
    private void ready(HttpExchange ex) throws IOException {
        try (ex) {
            readyChecks++;
            ex.sendResponseHeaders(200, -1);
        }
    }

    /** Answers this connection with an HTTP error instead of a stream. */
    static Script httpError(int code, String body) {
        return (ex, out) -> {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(code, b.length);
            ex.getResponseBody().write(b);
        };
    }

    @Override
    public void close() {
        stopped.countDown();
        server.stop(0);
        pool.shutdownNow();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
