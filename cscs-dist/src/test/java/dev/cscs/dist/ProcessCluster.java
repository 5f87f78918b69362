package dev.cscs.dist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cscs.core.crypto.KeyFiles;
import dev.cscs.core.crypto.KeyGen;
import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.crypto.PublicKeyRef;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Head;
import dev.cscs.core.model.Op;
import dev.cscs.core.testing.Eventually;
import dev.cscs.core.trust.JoinToken;
import dev.cscs.core.trust.PolicyBuilder;
import dev.cscs.core.trust.Signing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Real {@code java -jar cscs.jar server} processes on loopback, each with its own config
 * file, data dir and log; shared by the system tests and the benchmarks.
 */
public final class ProcessCluster implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final Duration DEADLINE = Duration.ofSeconds(60);

    private final Path dir;
    private final Path jar;
    private final PrivateKeyRef root = KeyGen.generate("ed25519");
    private final PrivateKeyRef signer = KeyGen.generate("ed25519");
    private final Map<String, Integer> apiPorts = new LinkedHashMap<>();
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final Digest anchor;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public record Response(int status, JsonNode body) {
    }

    public ProcessCluster(Path dir, Path jar, int n, String extraConfig) throws IOException {
        this(dir, jar, n, extraConfig, false);
    }

    /** With {@code agents}, each node's agent applies to its own sandbox root, {@code <dir>/<id>/root}. */
    public ProcessCluster(Path dir, Path jar, int n, String extraConfig, boolean agents) throws IOException {
        this.dir = dir;
        this.jar = jar;
        Changeset genesis = Signing.genesis(new PolicyBuilder().roots(1, List.of(root.publicKey()))
                .operators(1, List.of(root.publicKey())).domain("global", 1, List.of(signer.publicKey()), null).build(),
                Instant.now(), List.of(root), "process cluster");
        Files.write(dir.resolve("genesis.json"), ChangesetCodec.toPrettyJson(genesis));
        this.anchor = ChangesetCodec.digest(genesis.body());
        List<String> peers = new ArrayList<>();
        List<Integer> raft = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            raft.add(LocalProcesses.freePort());
            apiPorts.put("n" + i, LocalProcesses.freePort());
            peers.add("n" + i + "@127.0.0.1:" + raft.get(i - 1));
        }
        for (int i = 1; i <= n; i++) {
            String id = "n" + i;
            Files.writeString(dir.resolve(id + ".yaml"), String.join("\n",
                    "node: {id: " + id + ", dataDir: " + dir.resolve(id) + ", domains: [global]}",
                    "raft: {listen: 127.0.0.1:" + raft.get(i - 1) + ", peers: [" + String.join(", ", peers) + "]}",
                    "api: {listen: 127.0.0.1:" + apiPorts.get(id) + "}",
                    "trust: {genesis: " + dir.resolve("genesis.json") + "}",
                    "insecure: true",
                    agents ? "agent: {root: " + dir.resolve(id).resolve("root") + ", quietPeriod: 10ms, quietMax: 200ms, "
                            + "appliers: [sysctl, yum, service]}" : "agent: {enabled: false}",
                    "log: {dir: " + dir.resolve(id).resolve("log") + "}",
                    extraConfig, ""));
        }
    }

    public Path root(String id) {
        return dir.resolve(id).resolve("root");
    }

    /** The API URL of node {@code id}. */
    public String url(String id) {
        return "http://127.0.0.1:" + apiPorts.get(id);
    }

    /** Writes the key that signs {@code global}, for tests that drive the CLI. */
    public Path writeSignerKey(Path file) {
        KeyFiles.writePrivate(file, signer, null);
        return file;
    }

    /** The genesis digest: what a device is provisioned with as {@code trust.anchor}. */
    public Digest anchor() {
        return anchor;
    }

    /** An operator-signed join token for {@code node} holding {@code key} (role agent, replica or voter). */
    public JoinToken joinToken(String node, String role, List<String> domains, PublicKeyRef key) {
        return JoinToken.issue(node, role, domains, key, Instant.now(), Duration.ofHours(2), List.of(root));
    }

    /** The process id of node {@code id}'s JVM, for /proc figures. */
    public long pid(String id) {
        return processes.get(id).pid();
    }

    public List<String> ids() {
        return new ArrayList<>(apiPorts.keySet());
    }

    public void start(String id) {
        try {
            ProcessBuilder pb = new ProcessBuilder("java", "-Xmx256m", "-jar", jar.toString(), "server", "--config",
                    dir.resolve(id + ".yaml").toString());
            pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(id + ".out").toFile()));
            processes.put(id, pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void startAll() {
        ids().forEach(this::start);
        awaitLeader();
    }

    /** SIGKILL, as a power cut would. */
    public void kill9(String id) throws InterruptedException {
        Process p = processes.remove(id);
        p.destroyForcibly();
        p.waitFor();
    }

    public String awaitLeader() {
        return Eventually.get("a leader", DEADLINE, () -> {
            for (String id : processes.keySet()) {
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

    public Head head(String via) {
        JsonNode h = get(via, "/v1/changesets/global?limit=0").body().path("head");
        return new Head(h.path("seq").asLong(), Digest.parse(h.path("digest").asText()));
    }

    /** Signs and submits the next changeset of {@code global} through {@code via}. */
    public Response put(String via, Head head, String key, String valueJson) {
        Changeset cs = Signing.sign(Signing.unsigned("global", head.seq() + 1, head.digest(), Instant.now(),
                List.of(new Op.Put(key, readTree(valueJson))), null), signer, null);
        return post(via, "/v1/changesets", ChangesetCodec.toCompactJson(cs));
    }

    public Response get(String id, String path) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPorts.get(id) + path))
                .timeout(Duration.ofSeconds(10)).GET().build());
    }

    public Response post(String id, String path, byte[] body) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPorts.get(id) + path))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
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

    private static JsonNode readTree(String s) {
        try {
            return JSON.readTree(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String log(String id) {
        try {
            return Files.readString(dir.resolve(id + ".out"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        LocalProcesses.stopAll(processes.values(), 10);
    }
}
