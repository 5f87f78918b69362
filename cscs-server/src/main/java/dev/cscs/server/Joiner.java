package dev.cscs.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.core.crypto.Signer;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.json.Limits;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Signature;
import dev.cscs.core.tls.TlsMaterial;
import dev.cscs.core.trust.ChainState;
import dev.cscs.core.trust.JoinToken;
import dev.cscs.server.api.JoinProof;
import dev.cscs.server.config.ServerConfig;
import dev.cscs.store.raft.HostPort;
import dev.cscs.store.raft.Peer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node configured with {@code raft.join} instead of peers: on its first start it presents
 * its token to the cluster (proving it holds the token's key), checks the genesis it gets
 * back against its trust anchor, and remembers the answer; later starts resume from it.
 */
final class Joiner {
    private static final Logger LOG = LoggerFactory.getLogger(Joiner.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    record Joined(Changeset genesis, List<Peer> peers) {
    }

    private Joiner() {
    }

    static Joined joinOrResume(ServerConfig config, TlsMaterial tls) throws IOException {
        Path state = config.dataDir().resolve("join.json");
        if (!Files.exists(state)) {
            if (tls == null) {
                throw new CscsException(ErrorCode.BAD_CONFIG, "raft.join needs tls: the token binds the node's TLS key");
            }
            Files.createDirectories(config.dataDir());
            Files.write(state, JSON.writeValueAsBytes(request(config, tls)));
        }
        JsonNode saved = JSON.readTree(Files.readAllBytes(state));
        Changeset genesis = ChangesetCodec.fromTree(saved.get("genesis"), Limits.DEFAULT);
        Digest digest = ChangesetCodec.digest(genesis.body());
        ChainState.fromGenesis(genesis, config.anchor());
        if (config.genesis() != null && !digest.equals(ChangesetCodec.digest(NodeSetup.genesis(config).body()))) {
            throw new CscsException(ErrorCode.UNTRUSTED_ANCHOR, "the cluster at " + config.raft().join().endpoint()
                    + " has genesis " + digest + ", not the one in " + config.genesis());
        }
        List<Peer> peers = new ArrayList<>();
        for (JsonNode m : saved.path("members")) {
            if (!m.path("id").asText().equals(config.nodeId())) {
                peers.add(new Peer(m.path("id").asText(), HostPort.parse(m.path("address").asText())));
            }
        }
        return new Joined(genesis, peers);
    }

    private static JsonNode request(ServerConfig config, TlsMaterial tls) throws IOException {
        JoinToken token = JoinToken.parse(Files.readAllBytes(config.raft().join().token()));
        if (!token.node().equals(config.nodeId())) {
            throw new CscsException(ErrorCode.BAD_TOKEN, config.raft().join().token() + " is a token for " + token.node()
                    + ", not for node " + config.nodeId());
        }
        if (!token.key().keyid().equals(tls.key().keyid())) {
            throw new CscsException(ErrorCode.BAD_TOKEN, "the join token names another key than " + config.tls().key());
        }
        String raft = config.raft().advertise().toString();
        byte[] proof = Signer.sign(tls.key(), token.keyAlg(), JoinProof.payload(token.id(), raft));
        ObjectNode body = JSON.createObjectNode();
        body.set("token", token.toJson());
        body.put("raft", raft);
        Signature s = Signature.of(tls.key().keyid(), token.keyAlg(), proof);
        body.putObject("proof").put("keyid", s.keyid()).put("alg", s.alg().wireName()).put("sig", s.sig());
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .sslContext(tls.sslContext(why -> LOG.warn("TLS: {}", why))).build();
        String endpoint = config.raft().join().endpoint();
        LOG.info("joining the cluster at {} as {} ({})", endpoint, config.nodeId(), token.role());
        try {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(endpoint + "/v1/join"))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            JsonNode answer = JSON.readTree(r.body());
            if (r.statusCode() != 201) {
                JsonNode e = answer.path("error");
                throw new CscsException(ErrorCode.fromCode(e.path("code").asText("unavailable")),
                        "the cluster refused the join: " + e.path("message").asText("HTTP " + r.statusCode()));
            }
            return answer;
        } catch (IOException e) {
            throw new CscsException(ErrorCode.UNAVAILABLE, "cannot reach " + endpoint + " to join: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CscsException(ErrorCode.UNAVAILABLE, "interrupted while joining");
        }
    }
}
