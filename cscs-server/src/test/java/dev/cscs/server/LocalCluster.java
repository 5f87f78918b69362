package dev.cscs.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Op;
import dev.cscs.core.testing.Chains;
import dev.cscs.core.testing.LoopbackPorts;
import dev.cscs.server.config.ConfigLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
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

/** Daemons in one JVM on loopback, configured through real config files, spoken to over real HTTP. */
public final class LocalCluster implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir;
    private final Map<String, Daemon> daemons = new LinkedHashMap<>();
    private final Map<String, Integer> apiPorts = new LinkedHashMap<>();
    private final Map<String, Integer> raftPorts = new LinkedHashMap<>();
    private final TestPki pki;
    private final HttpClient http;
    private final List<String> peers;
    private final String limits;
    private final boolean agents;

    public record Response(int status, JsonNode body) {
    }

    public LocalCluster(Path dir, int n) throws IOException {
        this(dir, n, null);
    }

    /** With {@code pki} set, every node runs mutual TLS with certificates from that test CA. */
    public LocalCluster(Path dir, int n, TestPki pki) throws IOException {
        this(dir, n, pki, "changesetBytes: 65536, alertInterval: 0s");
    }

    /** {@code limits} is the inside of the config's {@code limits: {...}} mapping. */
    public LocalCluster(Path dir, int n, TestPki pki, String limits) throws IOException {
        this(dir, n, pki, limits, false);
    }

    /** With {@code agents}, every node runs its agent on a sandbox root, {@code <dir>/<id>/root}. */
    public LocalCluster(Path dir, int n, TestPki pki, String limits, boolean agents) throws IOException {
        this(dir, n, pki, limits, agents, "");
    }

    /** {@code raftExtra}: more keys of the raft: section, e.g. {@code "eventHistory: 2"}. */
    public LocalCluster(Path dir, int n, TestPki pki, String limits, boolean agents, String raftExtra) throws IOException {
        this.dir = dir;
        this.pki = pki;
        Changeset genesis = Chains.genesis();
        Files.write(dir.resolve("genesis.json"), ChangesetCodec.toPrettyJson(genesis));
        List<String> peers = new ArrayList<>();
        int[] raftPorts = new int[n];
        for (int i = 0; i < n; i++) {
            raftPorts[i] = freePort();
            this.raftPorts.put("n" + (i + 1), raftPorts[i]);
            apiPorts.put("n" + (i + 1), freePort());
            peers.add("n" + (i + 1) + "@127.0.0.1:" + raftPorts[i]);
        }
        HttpClient.Builder hb = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        if (pki != null) {
            hb.sslContext(pki.client("operator").sslContext(why -> { }));
        }
        this.http = hb.build();
        this.peers = List.copyOf(peers);
        this.limits = limits;
        this.agents = agents;
        for (int i = 0; i < n; i++) {
            String id = "n" + (i + 1);
            daemons.put(id, Daemon.start(ConfigLoader.load(writeConfig(id, raftExtra))));
        }
    }

    private Path writeConfig(String id, String raftExtra) throws IOException {
        Path cfg = dir.resolve(id + ".yaml");
        String security = pki == null ? "insecure: true" : pki.tlsConfig(dir, id);
        Files.writeString(cfg, String.join("\n",
                "node: {id: " + id + ", dataDir: " + dir.resolve(id) + ", domains: [global, factory-a]}",
                "raft:",
                "  listen: 127.0.0.1:" + raftPorts.get(id),
                "  peers: [" + String.join(", ", peers) + "]",
                raftExtra.isEmpty() ? "" : "  " + raftExtra,
                "api: {listen: 127.0.0.1:" + apiPorts.get(id) + "}",
                "trust: {genesis: " + dir.resolve("genesis.json") + "}",
                security,
                agents ? "agent: {root: " + dir.resolve(id).resolve("root") + ", quietPeriod: 20ms, quietMax: 500ms, "
                        + "statusInterval: 1s, commitConfirm: 2s, appliers: [yum, apt, sysctl, service]}" : "agent: {enabled: false}",
                "limits: {" + limits + "}",
                "log: {dir: " + dir.resolve(id).resolve("log") + "}", ""));
        return cfg;
    }

    /**
     * Starts {@code id} as a replica (a non-voting member) of the bootstrapped voters. The
     * cluster adds it to Raft once a signed {@code _nodes} record names it: see
     * {@link #replicaRecord}.
     */
    public Daemon addReplica(String id) throws IOException {
        raftPorts.put(id, freePort());
        apiPorts.put(id, freePort());
        Daemon d = Daemon.start(ConfigLoader.load(writeConfig(id, "role: replica")));
        daemons.put(id, d);
        return d;
    }

    /** The {@code _nodes} op that makes {@code id} (started by {@link #addReplica}) a replica. */
    public Op replicaRecord(String id) {
        return Chains.put("node/" + id, "{\"role\":\"replica\",\"raft\":\"127.0.0.1:" + raftPorts.get(id) + "\"}");
    }

    /** Stops node {@code id} (as SIGTERM would); {@link #restart} brings it back with its data. */
    public void stop(String id) {
        Daemon d = daemons.remove(id);
        if (d != null) {
            d.close();
        }
    }

    public void restart(String id) throws IOException {
        daemons.put(id, Daemon.start(ConfigLoader.load(dir.resolve(id + ".yaml"))));
    }

    public Path root(String id) {
        return dir.resolve(id).resolve("root");
    }

    public Daemon daemon(String id) {
        return daemons.get(id);
    }

    public int raftPort(String id) {
        return raftPorts.get(id);
    }

    public List<String> ids() {
        return new ArrayList<>(daemons.keySet());
    }

    public String url(String id) {
        return (pki == null ? "http" : "https") + "://127.0.0.1:" + apiPorts.get(id);
    }

    public Response get(String id, String path) {
        return send(HttpRequest.newBuilder(URI.create(url(id) + path)).GET().build());
    }

    public Response post(String id, String path, byte[] body) {
        return send(HttpRequest.newBuilder(URI.create(url(id) + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    /**
     * {@code GET path} written as is on a plain socket, for request lines the JDK client refuses
     * to send (bad percent-encoding); plaintext clusters only.
     */
    public Response rawGet(String id, String path) {
        int port = apiPorts.get(id);
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int status = Integer.parseInt(all.split(" ", 3)[1]);
            String body = all.substring(all.indexOf("\r\n\r\n") + 4);
            return new Response(status, body.startsWith("{") ? JSON.readTree(body) : JSON.createObjectNode().put("raw", body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Response send(HttpRequest req) {
        try {
            HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
            JsonNode body = r.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(r.body());
            return new Response(r.statusCode(), body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static int freePort() {
        return LoopbackPorts.free();
    }

    @Override
    public void close() {
        daemons.values().forEach(Daemon::close);
    }
}
