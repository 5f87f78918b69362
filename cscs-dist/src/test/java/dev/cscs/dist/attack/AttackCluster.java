package dev.cscs.dist.attack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Head;
import dev.cscs.core.model.Op;
import dev.cscs.core.testing.Eventually;
import dev.cscs.dist.LocalProcesses;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * Real {@code java -jar cscs.jar server} processes on loopback for the attack suite, with the
 * {@link World} genesis, optionally mutual TLS from an {@link AttackPki}, and optionally each
 * node's agent applying to its own sandbox root ({@code <dir>/<id>/root}). Besides the
 * cluster's own nodes it runs the attacker's processes (rogue servers), and stops every
 * process it started on {@link #close}.
 */
final class AttackCluster implements AutoCloseable {
    static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    final Path dir;
    private final Path jar;
    final World world;
    private final AttackPki pki;
    private final Map<String, Integer> apiPorts = new LinkedHashMap<>();
    private final Map<String, Integer> raftPorts = new LinkedHashMap<>();
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final HttpClient http;

    record Response(int status, JsonNode body) {
        String code() {
            return body.path("error").path("code").asText();
        }

        String message() {
            return body.path("error").path("message").asText();
        }
    }

    /** What a process that was meant to refuse to start did. */
    record Exit(int code, String output) {
    }

    /**
     * @param pki      mutual TLS from this CA (the test client presents an operator certificate), or null for plaintext
     * @param limits   the inside of the config's {@code limits: {...}}
     * @param agents   run each node's agent (appliers sysctl, yum, service) on its sandbox root
     */
    AttackCluster(Path dir, Path jar, World world, int n, AttackPki pki, String limits, boolean agents) throws IOException {
        this.dir = dir;
        this.jar = jar;
        this.world = world;
        this.pki = pki;
        Files.write(genesisFile(), ChangesetCodec.toPrettyJson(world.genesis));
        for (int i = 1; i <= n; i++) {
            raftPorts.put("n" + i, LocalProcesses.freePort());
            apiPorts.put("n" + i, LocalProcesses.freePort());
        }
        HttpClient.Builder hb = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        if (pki != null) {
            hb.sslContext(pki.sslContext(pki.client("operator")));
        }
        this.http = hb.build();
        for (String id : ids()) {
            Files.createDirectories(root(id));
            String security = pki == null ? "insecure: true" : AttackPki.tlsLine(pki.caFile(), pki.node(id));
            Files.writeString(config(id), String.join("\n",
                    "node: {id: " + id + ", dataDir: " + dir.resolve(id).resolve("data") + ", domains: " + World.DOMAINS + "}",
                    "raft: {listen: 127.0.0.1:" + raftPorts.get(id) + ", peers: [" + String.join(", ", peers()) + "]}",
                    "api: {listen: 127.0.0.1:" + apiPorts.get(id) + "}",
                    "trust: {genesis: " + genesisFile() + "}",
                    security,
                    agents ? "agent: {root: " + root(id) + ", quietPeriod: 10ms, quietMax: 200ms, statusInterval: 2s, "
                            + "appliers: [sysctl, yum, service]}" : "agent: {enabled: false}",
                    "limits: {" + limits + "}",
                    "log: {dir: " + dir.resolve(id).resolve("log") + "}", ""));
        }
    }

    Path genesisFile() {
        return dir.resolve("genesis.json");
    }

    Path config(String id) {
        return dir.resolve(id + ".yaml");
    }

    Path root(String id) {
        return dir.resolve(id).resolve("root");
    }

    List<String> ids() {
        return new ArrayList<>(apiPorts.keySet());
    }

    int raftPort(String id) {
        return raftPorts.get(id);
    }

    int apiPort(String id) {
        return apiPorts.get(id);
    }

    /** {@code id@127.0.0.1:port} of every node, as in {@code raft.peers}. */
    List<String> peers() {
        List<String> out = new ArrayList<>();
        raftPorts.forEach((id, port) -> out.add(id + "@127.0.0.1:" + port));
        return out;
    }

    String url(String id) {
        return (pki == null ? "http" : "https") + "://127.0.0.1:" + apiPorts.get(id);
    }

    // ---- processes ----

    /** Returns once every node answers {@code /readyz} with 200, not just the first two that elected a leader. */
    void startAll() {
        ids().forEach(id -> start(id, config(id)));
        ids().forEach(id -> Eventually.await(id + " ready", DEADLINE, () -> {
            try {
                return get(id, "/readyz").status() == 200;
            } catch (RuntimeException e) {
                return false; // not listening yet
            }
        }));
    }

    /** Starts {@code java -jar cscs.jar server --config FILE} as process {@code name}; output goes to {@code <name>.out}. */
    Process start(String name, Path configFile) {
        try {
            ProcessBuilder pb = new ProcessBuilder("java", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-jar", jar.toString(), "server", "--config", configFile.toString());
            pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".out").toFile()));
            Process p = pb.start();
            Process old = processes.put(name, p);
            if (old != null) {
                old.destroyForcibly();
            }
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a server that is expected to refuse to start; returns its exit code and output. */
    Exit runToExit(String name, Path configFile) throws InterruptedException {
        Process p = start(name, configFile);
        if (!p.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            stop(name);
            throw new AssertionError(name + " was still running after " + DEADLINE + "; its log:\n" + log(name));
        }
        processes.remove(name);
        return new Exit(p.exitValue(), log(name));
    }

    /** SIGTERM, waiting for a clean stop (SIGKILL after 15 s). */
    void stop(String name) throws InterruptedException {
        Process p = processes.remove(name);
        if (p == null) {
            return;
        }
        p.destroy();
        if (!p.waitFor(15, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor();
        }
    }

    boolean running(String name) {
        Process p = processes.get(name);
        return p != null && p.isAlive();
    }

    String awaitLeader() {
        return Eventually.get("a leader", DEADLINE, () -> {
            for (String id : ids()) {
                try {
                    Response r = get(id, "/readyz");
                    if (r.status() == 200) {
                        return r.body().path("leader").asText();
                    }
                } catch (RuntimeException e) {
                    // not listening yet
                }
            }
            return null;
        });
    }

    String log(String name) {
        try {
            return Files.readString(dir.resolve(name + ".out"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    // ---- HTTP ----

    Response get(String id, String path) {
        return send(HttpRequest.newBuilder(URI.create(url(id) + path)).timeout(Duration.ofSeconds(15)).GET().build());
    }

    Response post(String id, String path, byte[] body) {
        return send(HttpRequest.newBuilder(URI.create(url(id) + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    Response submit(String via, Changeset cs) {
        return post(via, "/v1/changesets", ChangesetCodec.toCompactJson(cs));
    }

    Response submit(String via, String json) {
        return post(via, "/v1/changesets", json.getBytes(StandardCharsets.UTF_8));
    }

    /** The head of {@code domain} as {@code via} reads it (linearizable; retried while the node answers 503). */
    Head head(String via, String domain) {
        Response r = Eventually.get("the head of " + domain + " from " + via, DEADLINE, () -> {
            Response x = get(via, "/v1/changesets/" + domain + "?limit=0");
            return x.status() == 503 ? null : x;
        });
        if (r.status() != 200) {
            throw new AssertionError("GET head of " + domain + " from " + via + ": " + r);
        }
        JsonNode h = r.body().path("head");
        return new Head(h.path("seq").asLong(), Digest.parse(h.path("digest").asText()));
    }

    /** Signs the next link of a threshold-1 domain with its signer, submits it through {@code via}, and requires 201. */
    Response accept(String via, String domain, Op... ops) {
        Response r = submit(via, World.signed(World.next(domain, head(via, domain), ops), world.signerOf(domain)));
        if (r.status() != 201) {
            throw new AssertionError("a valid changeset was refused: " + r);
        }
        return r;
    }

    private Response send(HttpRequest req) {
        try {
            HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
            JsonNode body;
            try {
                body = r.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(r.body());
            } catch (IOException notJson) {
                body = TextNode.valueOf(new String(r.body(), StandardCharsets.UTF_8));
            }
            return new Response(r.statusCode(), body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ---- alerts ----

    /** The alerts in {@code _alerts} as node {@code id} reads them (linearizable). */
    List<JsonNode> alerts(String id) {
        List<JsonNode> out = new ArrayList<>();
        get(id, "/v1/alerts").body().path("alerts").forEach(out::add);
        return out;
    }

    /** The highest alert revision so far, to tell new alerts from old ones. */
    long alertMark() {
        return alerts(ids().get(0)).stream().mapToLong(a -> a.path("revision").asLong()).max().orElse(0);
    }

    /** Waits until every node has an alert after {@code mark} with this code and origin; returns it (as the first node has it). */
    JsonNode awaitAlert(long mark, String code, String origin) {
        JsonNode[] found = new JsonNode[1];
        Eventually.await("an alert " + code + " from " + origin + " on every node", DEADLINE, () -> {
            for (String id : ids()) {
                if (!running(id)) {
                    continue;
                }
                JsonNode a = alerts(id).stream().filter(x -> x.path("revision").asLong() > mark
                        && x.path("code").asText().equals(code) && x.path("origin").asText().equals(origin))
                        .findFirst().orElse(null);
                if (a == null) {
                    return false;
                }
                if (found[0] == null) {
                    found[0] = a;
                }
            }
            return true;
        });
        return found[0];
    }

    @Override
    public void close() {
        LocalProcesses.stopAll(processes.values(), 15);
        processes.clear();
    }
}
