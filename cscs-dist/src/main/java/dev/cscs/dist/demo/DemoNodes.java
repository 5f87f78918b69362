package dev.cscs.dist.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Head;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/** The demo's three `cscs server` processes: configs, ports, start, SIGKILL, and HTTPS with a client certificate. */
final class DemoNodes implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    final Path dir;
    private final List<String> command;
    final Map<String, Integer> api = new LinkedHashMap<>();
    final Map<String, Integer> raft = new LinkedHashMap<>();
    /** Each node's {@code api.localListen}: plain HTTP on loopback, for a browser on this machine. */
    final Map<String, Integer> local = new LinkedHashMap<>();
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final HttpClient http;

    record Response(int status, JsonNode body) {
    }

    DemoNodes(Path dir, List<String> command, SSLContext ssl) {
        this.dir = dir;
        this.command = command;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).sslContext(ssl).build();
        for (String id : List.of("n1", "n2", "n3")) {
            raft.put(id, freePort());
            api.put(id, freePort());
            local.put(id, freePort());
        }
    }

    List<String> ids() {
        return new ArrayList<>(api.keySet());
    }

    Path root(String id) {
        return dir.resolve(id).resolve("root");
    }

    String url(String id) {
        return "https://127.0.0.1:" + api.get(id);
    }

    /** The dashboard of node {@code id} through its loopback listener. */
    String dashboard(String id) {
        return "http://127.0.0.1:" + local.get(id) + "/ui/";
    }

    void writeConfig(String id, List<String> appliers) throws IOException {
        List<String> peers = new ArrayList<>();
        raft.forEach((n, p) -> peers.add(n + "@127.0.0.1:" + p));
        Files.createDirectories(root(id));
        Files.writeString(dir.resolve(id + ".yaml"), String.join("\n",
                "# made by `cscs demo`",
                "node: {id: " + id + ", dataDir: " + dir.resolve(id).resolve("data") + ", domains: [global, factory-a]}",
                "raft: {listen: 127.0.0.1:" + raft.get(id) + ", peers: [" + String.join(", ", peers) + "]}",
                "api: {listen: 127.0.0.1:" + api.get(id) + ", localListen: 127.0.0.1:" + local.get(id) + "}",
                "trust: {genesis: " + dir.resolve("genesis.json") + "}",
                "tls: {ca: " + dir.resolve("ca/ca.pem") + ", cert: " + dir.resolve("pki").resolve(id) + ".pem, key: "
                        + dir.resolve("pki").resolve(id) + ".key}",
                "agent: {root: " + root(id) + ", quietPeriod: 20ms, quietMax: 500ms, statusInterval: 2s, commitConfirm: 5s, appliers: "
                        + appliers + "}",
                "log: {dir: " + dir.resolve(id).resolve("log") + "}", ""));
    }

    void start(String id) throws IOException {
        List<String> argv = new ArrayList<>(command);
        argv.addAll(List.of("server", "--config", dir.resolve(id + ".yaml").toString()));
        processes.put(id, new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(id + ".out").toFile())).start());
    }

    void kill9(String id) throws InterruptedException {
        Process p = processes.remove(id);
        p.destroyForcibly();
        p.waitFor();
    }

    boolean running(String id) {
        Process p = processes.get(id);
        return p != null && p.isAlive();
    }

    /** The leader as the first live node sees it, or null. */
    String leader() {
        for (String id : processes.keySet()) {
            try {
                Response r = get(id, "/readyz");
                if (r.status() == 200) {
                    return r.body().path("leader").asText();
                }
            } catch (UncheckedIOException e) {
                // not up yet
            }
        }
        return null;
    }

    Head head(String via, String domain) {
        JsonNode h = get(via, "/v1/changesets/" + domain + "?limit=0").body().path("head");
        return new Head(h.path("seq").asLong(), Digest.parse(h.path("digest").asText()));
    }

    Response get(String id, String path) {
        return send(HttpRequest.newBuilder(URI.create(url(id) + path)).timeout(Duration.ofSeconds(10)).GET().build());
    }

    Response post(String id, String path, byte[] body) {
        return send(HttpRequest.newBuilder(URI.create(url(id) + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    private Response send(HttpRequest req) {
        try {
            HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
            return new Response(r.statusCode(), r.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(r.body()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The last lines of a node's log that matter when something went wrong. */
    List<String> logTail(String id, int lines) {
        try {
            List<String> all = Files.readAllLines(dir.resolve(id + ".out"));
            List<String> interesting = new ArrayList<>();
            for (String l : all) {
                if (l.contains(" WARN ") || l.contains(" ERROR ") || l.startsWith("error") || l.contains("Exception")) {
                    interesting.add(l);
                }
            }
            List<String> src = interesting.isEmpty() ? all : interesting;
            return src.subList(Math.max(0, src.size() - lines), src.size());
        } catch (IOException e) {
            return List.of("(no log: " + e.getMessage() + ")");
        }
    }

    /** A free port, never one already given to a node: the kernel may hand out the same port twice in a row. */
    private int freePort() {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (ServerSocket s = new ServerSocket(0)) {
                int port = s.getLocalPort();
                if (!raft.containsValue(port) && !api.containsValue(port)) {
                    return port;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no free loopback port for the demo after 100 tries");
    }

    @Override
    public void close() {
        processes.values().forEach(Process::destroy);
        for (Process p : processes.values()) {
            try {
                if (!p.waitFor(15, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        processes.clear();
    }
}
