package dev.cscs.dist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cscs.core.crypto.KeyFiles;
import dev.cscs.core.crypto.KeyGen;
import dev.cscs.core.crypto.PassphraseSource;
import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.crypto.PublicKeyRef;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Head;
import dev.cscs.core.model.Labels;
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
    private final PrivateKeyRef root = KeyGen.generate("ed25519");
    private final PrivateKeyRef signer = KeyGen.generate("ed25519");
    private final Map<String, Integer> apiPorts = new LinkedHashMap<>();
    private final Map<String, Integer> raftPorts = new LinkedHashMap<>();
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final Digest anchor;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final int voters;
    private List<String> command;

    public record Response(int status, JsonNode body) {
    }

    public ProcessCluster(Path dir, Path jar, int n, String extraConfig) throws IOException {
        this(dir, jar, n, extraConfig, false);
    }

    /** With {@code agents}, each node's agent applies to its own sandbox root, {@code <dir>/<id>/root}. */
    public ProcessCluster(Path dir, Path jar, int n, String extraConfig, boolean agents) throws IOException {
        this(dir, jar, n, 0, "", extraConfig, agents);
    }

    /**
     * {@code voters} bootstrap voters and {@code replicas} nodes started with {@code raft.role: replica}
     * (register them with {@link #register}); {@code raftConfig} is added inside each node's {@code raft:}
     * mapping, e.g. {@code ", autopilot: {voters: 3}"}.
     */
    public ProcessCluster(Path dir, Path jar, int voters, int replicas, String raftConfig, String extraConfig, boolean agents)
            throws IOException {
        this(dir, jar, voters, replicas, raftConfig, extraConfig, agents, List.of());
    }

    /** As above, with {@code moreDomains} beside {@code global} in the trust policy, signed by the same key; the nodes apply only {@code global}. */
    public ProcessCluster(Path dir, Path jar, int voters, int replicas, String raftConfig, String extraConfig, boolean agents,
                          List<String> moreDomains) throws IOException {
        this.dir = dir;
        this.voters = voters;
        this.command = List.of("java", "-Xmx256m", "-jar", jar.toString());
        PolicyBuilder policy = new PolicyBuilder().roots(1, List.of(root.publicKey()))
                .operators(1, List.of(root.publicKey())).domain("global", 1, List.of(signer.publicKey()), null);
        moreDomains.forEach(d -> policy.domain(d, 1, List.of(signer.publicKey()), null));
        Changeset genesis = Signing.genesis(policy.build(), Instant.now(), List.of(root), "process cluster");
        Files.write(dir.resolve("genesis.json"), ChangesetCodec.toPrettyJson(genesis));
        this.anchor = ChangesetCodec.digest(genesis.body());
        List<String> peers = new ArrayList<>();
        for (int i = 1; i <= voters + replicas; i++) {
            raftPorts.put("n" + i, LocalProcesses.freePort());
            apiPorts.put("n" + i, LocalProcesses.freePort());
            if (i <= voters) {
                peers.add("n" + i + "@127.0.0.1:" + raftPorts.get("n" + i));
            }
        }
        for (int i = 1; i <= voters + replicas; i++) {
            String id = "n" + i;
            Files.writeString(dir.resolve(id + ".yaml"), String.join("\n",
                    "node: {id: " + id + ", dataDir: " + dir.resolve(id) + ", domains: [global]}",
                    "raft: {listen: 127.0.0.1:" + raftPorts.get(id) + (i > voters ? ", role: replica" : "")
                            + ", peers: [" + String.join(", ", peers) + "]" + raftConfig + "}",
                    "api: {listen: 127.0.0.1:" + apiPorts.get(id) + "}",
                    "trust: {genesis: " + dir.resolve("genesis.json") + "}",
                    "insecure: true",
                    agents ? "agent: {root: " + dir.resolve(id).resolve("root") + ", quietPeriod: 10ms, quietMax: 200ms, "
                            + "appliers: [sysctl, yum, service]}" : "agent: {enabled: false}",
                    "log: {dir: " + dir.resolve(id).resolve("log") + "}",
                    extraConfig, ""));
        }
    }

    /** Registers {@code id} in {@code _nodes} with {@code role} (voter or replica), signed by the operator key. */
    public Response register(String via, String id, String role) {
        return record(via, id, "{\"role\":\"" + role + "\",\"raft\":\"127.0.0.1:" + raftPorts.get(id) + "\",\"api\":\"" + url(id) + "\"}");
    }

    /**
     * Registers voter {@code id}'s own key in its {@code _nodes} record, signed by the operator key: what
     * {@code cscs member key} does. Its status must then be signed by it, and it signs freshness records.
     */
    public Response registerKey(String via, String id) {
        PublicKeyRef key = KeyFiles.readPrivate(dir.resolve(id).resolve("node-identity.key"), PassphraseSource.NONE).publicKey();
        return record(via, id, "{\"role\":\"voter\",\"raft\":\"127.0.0.1:" + raftPorts.get(id) + "\",\"api\":\"" + url(id)
                + "\",\"key\":{\"alg\":\"ecdsa-p256-sha256\",\"spki\":\"" + key.spkiBase64() + "\"}}");
    }

    /** Writes {@code id}'s {@code _nodes} record, signed by the operator key, through {@code via}. */
    private Response record(String via, String id, String json) {
        JsonNode h = get(via, "/v1/changesets/_nodes?limit=0").body().path("head");
        Changeset cs = Signing.sign(Signing.unsigned("_nodes", h.path("seq").asLong() + 1, Digest.parse(h.path("digest").asText()),
                Instant.now(), List.of(new Op.Put("node/" + id, readTree(json))), null), root, null);
        return post(via, "/v1/members", ChangesetCodec.toCompactJson(cs));
    }

    /** Replaces {@code from} by {@code to} in node {@code id}'s config file, before it starts. */
    public void amend(String id, String from, String to) throws IOException {
        Path file = dir.resolve(id + ".yaml");
        String yaml = Files.readString(file);
        if (!yaml.contains(from)) {
            throw new IllegalArgumentException(file + " has no \"" + from + "\"");
        }
        Files.writeString(file, yaml.replace(from, to));
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

    /** Writes the root key (also the operator key), for tests that change the trust policy or the registry with the CLI. */
    public Path writeRootKey(Path file) {
        KeyFiles.writePrivate(file, root, null);
        return file;
    }

    /** As {@link #joinToken(String, String, List, PublicKeyRef)}, setting the node's labels too. */
    public JoinToken joinToken(String node, String role, List<String> domains, Labels labels, PublicKeyRef key) {
        return JoinToken.issue(node, role, domains, labels, key, Instant.now(), Duration.ofHours(2), List.of(root));
    }

    /** An operator-signed join token for {@code node} holding {@code key} (role agent, replica or voter). */
    public JoinToken joinToken(String node, String role, List<String> domains, PublicKeyRef key) {
        return JoinToken.issue(node, role, domains, key, Instant.now(), Duration.ofHours(2), List.of(root));
    }

    public List<String> ids() {
        return new ArrayList<>(apiPorts.keySet());
    }

    public void start(String id) {
        try {
            List<String> argv = new ArrayList<>(command);
            argv.addAll(List.of("server", "--config", dir.resolve(id + ".yaml").toString()));
            ProcessBuilder pb = new ProcessBuilder(argv);
            pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(id + ".out").toFile()));
            processes.put(id, pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts every node and returns once each voter answers {@code /readyz} with 200: one ready node
     * is not enough, two voters elect a leader while the third JVM may still be starting.
     */
    public void startAll() {
        ids().forEach(this::start);
        ids().subList(0, voters).forEach(this::awaitReady);
    }

    /** Waits until {@code id} listens and knows a leader. */
    public void awaitReady(String id) {
        Eventually.await(id + " ready", DEADLINE, () -> {
            try {
                return get(id, "/readyz").status() == 200;
            } catch (RuntimeException e) {
                return false; // not listening yet
            }
        });
    }

    /** SIGKILL, as a power cut would. */
    public void kill9(String id) throws InterruptedException {
        Process p = processes.remove(id);
        p.destroyForcibly();
        p.waitFor();
    }

    public String awaitLeader() {
        return awaitLeader(DEADLINE);
    }

    public String awaitLeader(Duration within) {
        return Eventually.get("a leader", within, () -> {
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
        return head(via, "global");
    }

    public Head head(String via, String domain) {
        JsonNode h = get(via, "/v1/changesets/" + domain + "?limit=0").body().path("head");
        return new Head(h.path("seq").asLong(), Digest.parse(h.path("digest").asText()));
    }

    /** The head of {@code global} once {@code via} answers with one (a node may be ready before it has applied the genesis). */
    public Head awaitHead(String via) {
        return awaitHead(via, "global");
    }

    public Head awaitHead(String via, String domain) {
        return Eventually.get("the head of " + domain + " on " + via, DEADLINE, () -> {
            try {
                return head(via, domain);
            } catch (RuntimeException e) {
                return null;
            }
        });
    }

    /** Signs and submits the next changeset of {@code global} through {@code via}. */
    public Response put(String via, Head head, String key, String valueJson) {
        return post(via, "/v1/changesets", ChangesetCodec.toCompactJson(change(head, key, valueJson)));
    }

    /** The next changeset of {@code global} after {@code head}, signed by its signer. */
    public Changeset change(Head head, String key, String valueJson) {
        return change("global", head, key, valueJson);
    }

    /** The next changeset of {@code domain} after {@code head}, signed by its signer. */
    public Changeset change(String domain, Head head, String key, String valueJson) {
        return Signing.sign(Signing.unsigned(domain, head.seq() + 1, head.digest(), Instant.now(),
                List.of(new Op.Put(key, readTree(valueJson))), null), signer, null);
    }

    public Path genesis() {
        return dir.resolve("genesis.json");
    }

    public Response get(String id, String path) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPorts.get(id) + path))
                .timeout(Duration.ofSeconds(10)).GET().build());
    }

    /** A GET whose body is not JSON (e.g. /metrics), as text; empty when the node does not answer. */
    public String text(String id, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPorts.get(id) + path))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
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

    /**
     * What starts a node, before {@code server --config FILE}: {@code java -Xmx256m -jar cscs.jar}
     * unless set, e.g. to the launcher with its shipped JVM defaults (an {@code exec} chain keeps the
     * JVM's pid the process's, as {@link #pid} needs).
     */
    public void command(List<String> prefix) {
        command = List.copyOf(prefix);
    }

    /** The pid of node {@code id}'s process, for /proc figures. */
    public long pid(String id) {
        return processes.get(id).pid();
    }

    /**
     * An edge agent's config file, {@code <dir>/<id>.yaml}: it streams {@code global} from every
     * node and applies sysctl to its own sandbox root, {@code <dir>/<id>/root}.
     */
    public Path edgeConfig(String id) throws IOException {
        return edgeConfig(id, null);
    }

    /** An edge agent's config; with {@code token}, it registers its key with that join token (and takes its labels). */
    public Path edgeConfig(String id, Path token) throws IOException {
        List<String> urls = new ArrayList<>();
        ids().forEach(n -> urls.add(url(n)));
        return edgeConfig(id, token, urls, "");
    }

    /** As above, streaming from {@code endpoints} in order, with {@code agentSettings} (", maxStaleness: 6s") in its agent section. */
    public Path edgeConfig(String id, Path token, List<String> endpoints, String agentSettings) throws IOException {
        Path file = dir.resolve(id + ".yaml");
        Files.writeString(file, String.join("\n",
                "node: {id: " + id + ", dataDir: " + dir.resolve(id) + ", domains: [global]}",
                "server: {endpoints: [" + String.join(", ", endpoints) + "]" + (token == null ? "" : ", token: " + token) + "}",
                "trust: {genesis: " + dir.resolve("genesis.json") + "}",
                "insecure: true",
                "agent: {root: " + root(id) + ", quietPeriod: 10ms, quietMax: 200ms, appliers: [sysctl]" + agentSettings + "}",
                "log: {dir: " + dir.resolve(id).resolve("log") + "}", ""));
        return file;
    }

    @Override
    public void close() {
        LocalProcesses.stopAll(processes.values(), 10);
    }
}
