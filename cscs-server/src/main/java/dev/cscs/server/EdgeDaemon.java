package dev.cscs.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.agent.Agent;
import dev.cscs.agent.AgentConfig;
import dev.cscs.agent.AgentMetrics;
import dev.cscs.agent.applier.Reachability;
import dev.cscs.agent.edge.HttpChangesetFeed;
import dev.cscs.agent.edge.HttpStatusSink;
import dev.cscs.agent.os.AtomicFiles;
import dev.cscs.core.crypto.PassphraseSource;
import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.crypto.Signer;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.json.Limits;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Names;
import dev.cscs.core.model.Signature;
import dev.cscs.core.tls.TlsMaterial;
import dev.cscs.core.trust.ChainState;
import dev.cscs.core.trust.JoinToken;
import dev.cscs.core.trust.StatusSigning;
import dev.cscs.server.api.Exposition;
import dev.cscs.server.api.JoinProof;
import dev.cscs.server.config.ServerConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code cscs agent}: the reconcile loop on a device without Raft. It streams its domains from
 * the servers' watch API, verifies every signature itself, applies, and reports signed status.
 * With a join token it first registers its key, so its reports are verified.
 */
public final class EdgeDaemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeDaemon.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Agent agent;
    private final MetricsListener metrics;

    private EdgeDaemon(Agent agent, MetricsListener metrics) {
        this.agent = agent;
        this.metrics = metrics;
    }

    /**
     * What an edge agent needs of a config beyond what {@code ConfigLoader} checks for every node;
     * {@code cscs agent --check} runs exactly this, so it accepts only what {@link #start} accepts.
     */
    public static void validate(ServerConfig config) {
        if (config.edge() == null) {
            throw new CscsException(ErrorCode.BAD_CONFIG, config.source() + ": server: {endpoints: [...]} is missing "
                    + "(cscs agent runs an edge device; a cluster node runs `cscs server`)");
        }
    }

    public static EdgeDaemon start(ServerConfig config) throws IOException {
        validate(config);
        TlsMaterial tls = config.tls() == null ? null
                : TlsMaterial.load(config.tls().ca(), config.tls().cert(), config.tls().key(), PassphraseSource.NONE);
        HttpClient http = client(tls);
        List<URI> endpoints = new ArrayList<>();
        config.edge().endpoints().forEach(e -> endpoints.add(URI.create(e)));
        Changeset genesis = genesis(config, http, endpoints);
        PrivateKeyRef identity = NodeIdentity.of(config.dataDir(), tls);
        if (config.edge().token() != null) {
            register(config, http, endpoints, identity);
        }
        Path root = config.agent().root();
        AgentConfig ac = NodeSetup.agentConfig(config, List.of());
        Reachability server = within -> reachable(http, endpoints, within);
        Exposition exposition = config.metricsListen() == null ? null : new Exposition();
        if (exposition != null && tls != null) {
            exposition.certificate(tls.certificate());
        }
        Agent agent = Agent.builder(ac).genesis(genesis, config.anchor()).labels(NodeSetup.provisionedLabels(config))
                .metrics(exposition == null ? AgentMetrics.none() : exposition.agent(true))
                .feed(new HttpChangesetFeed(endpoints, http))
                .statusSink(new HttpStatusSink(endpoints, http, Duration.ofSeconds(10),
                        r -> signed(config.nodeId(), identity, r.toJson())))
                .reachability(server).build();
        MetricsListener listener;
        try {
            listener = exposition == null ? null : MetricsListener.start(config.metricsListen(), exposition);
        } catch (RuntimeException e) {
            agent.close();
            throw e;
        }
        agent.start();
        LOG.info("edge agent {} started: domains {}, servers {}, root {}", config.nodeId(), config.domains(), endpoints, root);
        return new EdgeDaemon(agent, listener);
    }

    public Agent agent() {
        return agent;
    }

    /** The port of the metrics listener, -1 without {@code metrics.listen} (tests bind port 0). */
    public int metricsPort() {
        return metrics == null ? -1 : metrics.port();
    }

    private static HttpClient client(TlsMaterial tls) {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        if (tls != null) {
            b.sslContext(tls.sslContext(why -> LOG.warn("TLS: {}", why)));
        }
        return b.build();
    }

    /** The genesis from the config file, or fetched from a server and checked against the anchor. */
    private static Changeset genesis(ServerConfig config, HttpClient http, List<URI> endpoints) throws IOException {
        if (config.genesis() != null) {
            return NodeSetup.genesis(config);
        }
        for (URI e : endpoints) {
            try {
                HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(e + "/v1/changesets/_trust?fromSeq=1&limit=1"))
                        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
                if (r.statusCode() != 200) { // the server's own error, not "not a JSON object" from parsing it
                    LOG.warn("cannot fetch the genesis from {}: HTTP {} {}", e, r.statusCode(),
                            Names.shown(JSON.readTree(r.body()).path("error").path("message").asText("")));
                    continue;
                }
                JsonNode first = JSON.readTree(r.body()).path("changesets").path(0).path("changeset");
                Changeset g = ChangesetCodec.fromTree(first, Limits.DEFAULT);
                ChainState.fromGenesis(g, config.anchor());
                return g;
            } catch (IOException | RuntimeException ex) {
                LOG.warn("cannot fetch the genesis from {}: {}", e, ex.getMessage());
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new CscsException(ErrorCode.UNAVAILABLE, "no server gave a genesis matching the trust anchor " + config.anchor());
    }

    /**
     * Registers the device's key with its join token, through the first server that answers. A
     * token already used is this device's own earlier join whose answer was lost (a timeout, a
     * power cut before the marker was written): the token names this key, and only its holder
     * can make the proof, so the key is registered and the device goes on.
     */
    private static void register(ServerConfig config, HttpClient http, List<URI> endpoints, PrivateKeyRef identity)
            throws IOException {
        Path marker = config.dataDir().resolve("agent-registered");
        if (Files.exists(marker)) {
            return;
        }
        JoinToken token = JoinToken.parse(Files.readAllBytes(config.edge().token()));
        if (!token.node().equals(config.nodeId()) || !token.key().keyid().equals(identity.keyid())) {
            throw new CscsException(ErrorCode.BAD_TOKEN, config.edge().token() + " is not this node's token (node or key differ)");
        }
        ObjectNode body = JSON.createObjectNode();
        body.set("token", token.toJson());
        body.put("raft", "");
        Signature proof = Signature.of(identity.keyid(), token.keyAlg(),
                Signer.sign(identity, token.keyAlg(), JoinProof.payload(token.id(), "")));
        body.putObject("proof").put("keyid", proof.keyid()).put("alg", proof.alg().wireName()).put("sig", proof.sig());
        HttpResponse<byte[]> r = join(http, endpoints, JSON.writeValueAsBytes(body));
        JsonNode error = r.statusCode() == 201 ? null : errorOf(r);
        if (error != null && !(error.path("code").asText().equals(ErrorCode.BAD_TOKEN.code())
                && error.path("message").asText().endsWith(JoinToken.ALREADY_USED))) {
            // the server's words, bounded and with control characters escaped before they reach the log
            throw new CscsException(ErrorCode.BAD_TOKEN, "the cluster refused the registration: HTTP " + r.statusCode() + " "
                    + Names.shown(error.path("code").asText()) + ": " + Names.shown(error.path("message").asText()));
        }
        AtomicFiles.write(marker, (token.id() + "\n").getBytes(StandardCharsets.UTF_8), AtomicFiles.DEFAULT_MODE);
        LOG.info(error == null ? "registered {} with the cluster; its status reports are now verified"
                : "{} was registered by an earlier start whose answer was lost (its token is spent); its status reports are verified",
                config.nodeId());
    }

    /** The {@code error} object of an answer; an answer that is not one (a proxy's page) becomes its status line. */
    private static JsonNode errorOf(HttpResponse<byte[]> r) {
        try {
            JsonNode error = JSON.readTree(r.body()).path("error");
            if (error.isObject()) {
                return error;
            }
        } catch (IOException e) {
            // not JSON: said below
        }
        return JSON.createObjectNode().put("code", "http-" + r.statusCode()).put("message", "an answer that is not a CSCS error");
    }

    /** The join's answer from the first server that gives one; every server unreachable is an error naming each. */
    private static HttpResponse<byte[]> join(HttpClient http, List<URI> endpoints, byte[] body) {
        List<String> failures = new ArrayList<>();
        for (URI e : endpoints) {
            try {
                return http.send(HttpRequest.newBuilder(URI.create(e + "/v1/join")).timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException ex) {
                failures.add(e + ": " + ex);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new CscsException(ErrorCode.UNAVAILABLE, "interrupted");
            }
        }
        throw new CscsException(ErrorCode.UNAVAILABLE, "no server answered the registration: " + String.join("; ", failures));
    }

    private static String signed(String node, PrivateKeyRef identity, String reportJson) {
        try {
            JsonNode report = JSON.readTree(reportJson);
            return StatusSigning.envelope(node, report, StatusSigning.sign(identity, report)).toString();
        } catch (IOException e) {
            throw new CscsException(ErrorCode.INTERNAL, "status report not encodable", e);
        }
    }

    private static boolean reachable(HttpClient http, List<URI> endpoints, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            for (URI e : endpoints) {
                try {
                    HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(e + "/healthz"))
                            .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
                    if (r.statusCode() == 200) {
                        return true;
                    }
                } catch (IOException ex) {
                    // try the next server
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return false;
    }

    @Override
    public void close() {
        if (metrics != null) {
            metrics.close();
        }
        agent.close();
    }
}
