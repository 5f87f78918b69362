package dev.cscs.dist.attack;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A compromised server, as an edge device sees it: an HTTP front of a real node on loopback that
 * passes every request through, except that it filters the watch stream by its {@link Mode}. It
 * cannot sign anything: what it can do is drop, hold back and repeat what the node sends. Used by
 * the attack suite and the fleet harness.
 */
public final class WithholdingProxy implements AutoCloseable {
    /** What the proxy does to the watch stream. */
    public enum Mode {
        /** Everything passes. */
        PASS,
        /** Changesets and freshness records are dropped: the device is frozen, and nothing tells it so but time. */
        FREEZE,
        /** Changesets are dropped but freshness records pass: they show the device what it was not given. */
        WITHHOLD,
        /** Changesets and new records are dropped, and the first record seen is sent again every second. */
        REPLAY
    }

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "content-length", "transfer-encoding", "host",
            "upgrade", "keep-alive", "date");
    private final URI upstream;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "withholding-proxy");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final AtomicInteger dropped = new AtomicInteger();
    private volatile Mode mode = Mode.PASS;
    private volatile String firstRecord;

    public WithholdingProxy(URI upstream) throws IOException {
        this.upstream = upstream;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public void mode(Mode m) {
        mode = m;
    }

    /** How many watch events the proxy dropped so far. */
    public int dropped() {
        return dropped.get();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            URI target = upstream.resolve(ex.getRequestURI().toString());
            byte[] body = ex.getRequestBody().readAllBytes();
            HttpRequest.Builder req = HttpRequest.newBuilder(target).method(ex.getRequestMethod(),
                    body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            ex.getRequestHeaders().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase())) {
                    values.forEach(v -> req.header(name, v));
                }
            });
            HttpResponse<InputStream> resp;
            try {
                resp = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            resp.headers().map().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase()) && !name.startsWith(":")) {
                    ex.getResponseHeaders().put(name, values);
                }
            });
            try (InputStream in = resp.body(); OutputStream out = ex.getResponseBody()) {
                if (ex.getRequestURI().getPath().equals("/v1/watch") && resp.statusCode() == 200) {
                    ex.sendResponseHeaders(200, 0);
                    filter(in, out);
                } else {
                    byte[] b = in.readAllBytes();
                    ex.sendResponseHeaders(resp.statusCode(), b.length == 0 ? -1 : b.length);
                    out.write(b);
                }
            }
        } catch (IOException e) {
            // the device or the node went away: so does this exchange
        }
    }

    /** Copies SSE events one at a time, dropping, holding and repeating them as the mode says. */
    private void filter(InputStream in, OutputStream out) throws IOException {
        BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        List<String> event = new ArrayList<>();
        long lastReplay = System.nanoTime();
        String line;
        while ((line = lines.readLine()) != null) {
            if (!line.isEmpty()) {
                event.add(line);
                continue;
            }
            String text = String.join("\n", event) + "\n\n";
            boolean changeset = event.contains("event: changeset") || event.contains("event: snapshot");
            boolean record = event.contains("event: freshness");
            event.clear();
            if (record && firstRecord == null) {
                firstRecord = text;
            }
            Mode m = mode;
            boolean drop = changeset && m != Mode.PASS || record && (m == Mode.FREEZE || m == Mode.REPLAY);
            if (drop) {
                dropped.incrementAndGet();
            } else {
                out.write(text.getBytes(StandardCharsets.UTF_8));
            }
            if (m == Mode.REPLAY && firstRecord != null && System.nanoTime() - lastReplay > 1_000_000_000L) {
                lastReplay = System.nanoTime();
                out.write(firstRecord.getBytes(StandardCharsets.UTF_8));
            }
            out.flush();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
