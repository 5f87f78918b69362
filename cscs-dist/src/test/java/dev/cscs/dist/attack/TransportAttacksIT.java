package dev.cscs.dist.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.core.crypto.Signer;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Signature;
import dev.cscs.core.testing.Chains;
import dev.cscs.core.testing.Eventually;
import dev.cscs.core.tls.TlsMaterial;
import dev.cscs.core.trust.JoinToken;
import dev.cscs.core.trust.Signing;
import dev.cscs.dist.LocalProcesses;
import dev.cscs.server.api.JoinProof;
import dev.cscs.store.LogEntry;
import dev.cscs.store.LogEntryCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeer;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Attacks on the transport and on membership, against three {@code java -jar} nodes with
 * mutual TLS on Raft (gRPC) and on the API, certificates from a cluster CA made with
 * {@code ClusterCa}, each node applying to its own sandbox root. The attackers are processes
 * too: rogue {@code cscs server}s, raw TLS sockets, a raw Ratis client, and HTTPS clients with
 * bad certificates.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TransportAttacksIT extends AttackFixture {
    private static final ObjectMapper JSON = new ObjectMapper();
    AttackPki pki;
    AttackPki roguePki;

    @Override
    AttackCluster cluster(Path dir, World world) throws Exception {
        pki = new AttackPki(dir.resolve("pki"), "attack suite CA");
        roguePki = new AttackPki(dir.resolve("rogue-pki"), "rogue CA");
        return new AttackCluster(dir, JAR, world, 3, pki, "alertInterval: 0s", true);
    }

    /** An attacker's node config and its API port. */
    record Rogue(Path config, int apiPort) {
    }

    /** A node config for an attacker's process {@code name} claiming node id {@code id}. */
    private Path config(String name, String id, List<String> raft, String security) throws IOException {
        return rogue(name, id, raft, security).config();
    }

    private Rogue rogue(String name, String id, List<String> raft, String security) throws IOException {
        Path cfg = dir.resolve(name + ".yaml");
        int api = LocalProcesses.freePort();
        List<String> lines = new ArrayList<>(List.of(
                "node: {id: " + id + ", dataDir: " + dir.resolve(name).resolve("data") + ", domains: [global]}",
                "raft:"));
        raft.forEach(l -> lines.add("  " + l));
        lines.addAll(List.of(
                "api: {listen: 127.0.0.1:" + api + "}",
                "trust: {genesis: " + cluster.genesisFile() + "}",
                security,
                "agent: {enabled: false}",
                "log: {dir: " + dir.resolve(name).resolve("log") + "}", ""));
        Files.writeString(cfg, String.join("\n", lines));
        return new Rogue(cfg, api);
    }

    private long term() {
        return cluster.get("n1", "/v1/members").body().path("term").asLong();
    }

    /** The rogue's own view, from its API: its readiness body, or null while it does not answer. */
    private static JsonNode readyz(SSLContext ssl, int apiPort) {
        try {
            HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
            if (ssl != null) {
                b.sslContext(ssl);
            }
            HttpResponse<String> r = b.build().send(HttpRequest.newBuilder(URI.create((ssl == null ? "http" : "https")
                    + "://127.0.0.1:" + apiPort + "/readyz")).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(r.body());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The rogue is up (its API answers), the cluster commits writes meanwhile, and the rogue
     * still knows no leader: a member would learn the leader from the first heartbeat.
     */
    private void isolatedWhileTheClusterCommits(String id, SSLContext ssl, int apiPort) {
        Eventually.await(id + "'s API answers", AttackCluster.DEADLINE, () -> readyz(ssl, apiPort) != null);
        for (int i = 0; i < 3; i++) {
            sandboxes.barrier(cluster.ids().get(i % cluster.ids().size()));
        }
        JsonNode view = readyz(ssl, apiPort);
        assertThat(view.path("leader").isNull() || view.path("leader").isMissingNode()).as("%s knows no leader: %s", id, view)
                .isTrue();
        assertThat(view.path("appliedIndex").asLong()).as("%s got no log entry", id).isLessThanOrEqualTo(0);
        neverAMember(id);
    }

    /** Raft lines of a rogue that names the cluster's voters, and itself, as its bootstrap peers. */
    private List<String> peersWithSelf(String id) {
        int port = LocalProcesses.freePort();
        List<String> peers = new ArrayList<>(cluster.peers());
        peers.add(id + "@127.0.0.1:" + port);
        return List.of("listen: 127.0.0.1:" + port, "peers: [" + String.join(", ", peers) + "]");
    }

    private List<String> members(String via) {
        List<String> out = new ArrayList<>();
        cluster.get(via, "/v1/members").body().path("members").forEach(m -> out.add(m.path("id").asText()));
        return out;
    }

    private void neverAMember(String id) {
        for (String n : cluster.ids()) {
            assertThat(members(n)).as("members as %s sees them", n).doesNotContain(id);
        }
    }

    private String clusterLogs() {
        StringBuilder b = new StringBuilder();
        cluster.ids().forEach(id -> b.append(cluster.log(id)));
        return b.toString();
    }

    private static SSLContext trustOnly(Path ca) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {TlsMaterial.trustManager(TlsMaterial.readCertificates(ca), w -> { })}, null);
        return ctx;
    }

    /**
     * A raw TLS connection to a Raft (gRPC) port, speaking the HTTP/2 preface: "served" when the
     * server answers, else why not. With TLS 1.3 a refused client certificate shows only on the
     * first read after the handshake.
     */
    private static String rawRaftConnect(SSLContext ssl, int port) {
        try (SSLSocket s = (SSLSocket) ssl.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            SSLParameters p = s.getSSLParameters();
            p.setApplicationProtocols(new String[] {"h2"});
            s.setSSLParameters(p);
            s.startHandshake();
            OutputStream out = s.getOutputStream();
            out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0});
            out.flush();
            InputStream in = s.getInputStream();
            return in.read() >= 0 ? "served" : "refused: closed";
        } catch (IOException e) {
            return "refused: " + e;
        } catch (RuntimeException e) {
            return "refused: " + e;
        }
    }

    private static int httpsStatus(SSLContext ssl, String url) throws Exception {
        return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build()
                .send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static HttpResponse<String> httpsPost(SSLContext ssl, String url, byte[] body) throws Exception {
        return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build()
                .send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Order(1)
    void aRogueWithoutAClusterCertificateNeverJoinsRaftAndTheLogsSayWhy() throws Exception {
        Map<String, String> before = sandboxes.snapshot();
        long term = term();
        // a cscs server with a certificate from its own CA, naming the cluster's voters as its peers
        AttackPki.Issued foreign = roguePki.node("n4");
        Rogue withForeignCa = rogue("rogue-ca", "n4", peersWithSelf("n4"), AttackPki.tlsLine(roguePki.caFile(), foreign));
        cluster.start("rogue-ca", withForeignCa.config());
        // a cscs server in plaintext, dialing the same TLS Raft ports
        Rogue plain = rogue("rogue-plain", "n5", peersWithSelf("n5"), "insecure: true");
        cluster.start("rogue-plain", plain.config());

        isolatedWhileTheClusterCommits("n4", roguePki.sslContext(roguePki.client("rogue-operator")), withForeignCa.apiPort());
        isolatedWhileTheClusterCommits("n5", null, plain.apiPort());
        Eventually.await("the rogue's log says why its handshakes with the cluster fail", AttackCluster.DEADLINE, () -> cluster
                .log("rogue-ca").lines().anyMatch(l -> l.contains("TLS: server certificate O=cscs,CN=n")
                        && l.contains("refused: it was not issued by the cluster CA")));

        // raw TLS to a Raft port presenting the rogue CA's certificate (whatever CA the server asks for): refused, and logged
        int raftPort = cluster.raftPort("n1");
        assertThat(rawRaftConnect(AttackPki.pushy(roguePki.client("mallory"), pki.caFile()), raftPort)).startsWith("refused");
        assertThat(rawRaftConnect(pki.sslContext(pki.client("control")), raftPort))
                .as("an operator's client certificate from the cluster CA is not a node's").startsWith("refused");
        assertThat(rawRaftConnect(pki.sslContext(pki.node("n2")), raftPort)).as("control: a node certificate of a member")
                .isEqualTo("served");
        Eventually.await("n1 logs why it refused mallory's certificate", AttackCluster.DEADLINE, () -> cluster.log("n1").lines()
                .anyMatch(l -> l.contains("TLS: client certificate O=cscs,CN=mallory refused: it was not issued by the cluster CA")));

        assertThat(term()).as("the rogues did not disturb the cluster's term").isEqualTo(term);
        sandboxes.assertUnchanged(before);
        cluster.stop("rogue-ca");
        cluster.stop("rogue-plain");
    }

    /**
     * A peer or client that presents no certificate at all is refused, but the refusal happens
     * inside the JDK's TLS stack before the node's explaining trust manager runs: the node
     * should still say why in its log, as it does for a wrong certificate.
     */
    @Test
    @Order(2)
    void aClientWithoutAnyCertificateIsRefusedAndTheNodeLogsWhy() throws Exception {
        assertThat(rawRaftConnect(trustOnly(pki.caFile()), cluster.raftPort("n3"))).startsWith("refused");
        assertThatThrownBy(() -> httpsStatus(trustOnly(pki.caFile()), cluster.url("n3") + "/healthz")).isInstanceOf(IOException.class);
        assertThatCode(() -> Eventually.await("n3 logs a refused handshake without a certificate",
                Duration.ofSeconds(10), () -> cluster.log("n3").lines().anyMatch(l -> l.contains("TLS:")
                        && (l.contains("no certificate") || l.contains("certificate_required") || l.contains("Empty client certificate")))))
                .as("n3's log after two handshakes without a client certificate:%n%s", cluster.log("n3").lines()
                        .filter(l -> l.contains("TLS") || l.contains("WARN")).reduce("", (a, b) -> a + "\n" + b))
                .doesNotThrowAnyException();
    }

    @Test
    @Order(4)
    void aRogueWithAValidCertificateButNoJoinTokenNeverBecomesAMember() throws Exception {
        Map<String, String> before = sandboxes.snapshot();
        long term = term();
        AttackPki.Issued valid = pki.node("n6");
        Rogue rogue = rogue("rogue-peers", "n6", peersWithSelf("n6"), AttackPki.tlsLine(pki.caFile(), valid));
        cluster.start("rogue-peers", rogue.config());
        isolatedWhileTheClusterCommits("n6", pki.sslContext(pki.client("operator-3")), rogue.apiPort());
        assertThat(term()).as("pre-vote kept the rogue from raising the cluster's term").isEqualTo(term);
        sandboxes.assertUnchanged(before);
        cluster.stop("rogue-peers");

        // join: with a token signed by a domain signer, not an operator: refused, and alerted where it arrived
        long mark = cluster.alertMark();
        JoinToken forged = JoinToken.issue("n6", "voter", List.of("global"), valid.privateKey().publicKey(), Instant.now(),
                Duration.ofHours(1), List.of(world.globalSigner));
        Path token = dir.resolve("forged.token");
        Files.writeString(token, forged.toJson().toString());
        AttackCluster.Exit exit = cluster.runToExit("rogue-forged-token", config("rogue-forged-token", "n6",
                List.of("listen: 127.0.0.1:" + LocalProcesses.freePort(), "join: {endpoint: \"" + cluster.url("n2")
                        + "\", token: " + token + "}"), AttackPki.tlsLine(pki.caFile(), valid)));
        assertThat(exit.code()).as(exit.output()).isNotZero();
        assertThat(exit.output()).contains("bad-token").contains("not an operator or root key");
        cluster.awaitAlert(mark, "bad-token", "n2");
        neverAMember("n6");
    }

    @Test
    @Order(5)
    void aReplayedJoinTokenIsRefusedAsAlreadyUsed() throws Exception {
        Map<String, String> before = sandboxes.snapshot();
        AttackPki.Issued n7 = pki.node("n7");
        JoinToken token = JoinToken.issue("n7", "replica", List.of("global"), n7.privateKey().publicKey(), Instant.now(),
                Duration.ofHours(1), List.of(world.operator));
        Path tokenFile = dir.resolve("n7.token");
        Files.writeString(tokenFile, token.toJson().toString());
        String raft = "127.0.0.1:" + LocalProcesses.freePort();
        cluster.start("n7", config("n7", "n7", List.of("listen: " + raft, "join: {endpoint: \"" + cluster.url("n2")
                + "\", token: " + tokenFile + "}"), AttackPki.tlsLine(pki.caFile(), n7)));
        Eventually.await("n7 joined as a replica", AttackCluster.DEADLINE, () -> cluster.get("n1", "/v1/members").body()
                .path("members").toString().contains("\"id\":\"n7\""));
        cluster.stop("n7");

        // the same token (and the same key) presented again by another process with a fresh data dir
        long mark = cluster.alertMark();
        AttackCluster.Exit again = cluster.runToExit("n7-again", config("n7-again", "n7", List.of("listen: 127.0.0.1:"
                + LocalProcesses.freePort(), "join: {endpoint: \"" + cluster.url("n3") + "\", token: " + tokenFile + "}"),
                AttackPki.tlsLine(pki.caFile(), n7)));
        assertThat(again.code()).as(again.output()).isNotZero();
        assertThat(again.output()).contains("bad-token").contains("already used");
        cluster.awaitAlert(mark, "bad-token", "n3");

        // the join request itself, replayed byte for byte (token and proof of key): by another client, then by n7's own certificate
        ObjectNode request = JSON.createObjectNode();
        request.set("token", token.toJson());
        request.put("raft", raft);
        Signature proof = Signature.of(n7.privateKey().keyid(), token.keyAlg(),
                Signer.sign(n7.privateKey(), token.keyAlg(), JoinProof.payload(token.id(), raft)));
        request.putObject("proof").put("keyid", proof.keyid()).put("alg", proof.alg().wireName()).put("sig", proof.sig());
        byte[] replay = JSON.writeValueAsBytes(request);
        mark = cluster.alertMark();
        AttackCluster.Response other = cluster.post("n1", "/v1/join", replay);
        assertThat(other.status()).as(other.body().toString()).isEqualTo(403);
        assertThat(other.code()).isEqualTo("bad-token");
        assertThat(other.message()).contains("presented the join token of node n7");
        cluster.awaitAlert(mark, "bad-token", "n1");
        mark = cluster.alertMark();
        HttpResponse<String> own = httpsPost(pki.sslContext(n7), cluster.url("n2") + "/v1/join", replay);
        assertThat(own.statusCode()).as(own.body()).isEqualTo(403);
        assertThat(own.body()).contains("bad-token").contains("already used");
        cluster.awaitAlert(mark, "bad-token", "n2");
        sandboxes.assertUnchanged(before);
    }

    @Test
    @Order(6)
    void expiredNotYetValidAndForeignClientCertificatesAreRefusedByTheApi() throws Exception {
        String url = cluster.url("n1") + "/healthz";
        assertThat(httpsStatus(pki.sslContext(pki.client("operator-2")), url)).as("control: a valid client certificate").isEqualTo(200);

        AttackPki.Issued expired = pki.client("expired", Instant.now().minus(Duration.ofDays(10)), Duration.ofDays(1));
        AttackPki.Issued early = pki.client("early", Instant.now().plus(Duration.ofDays(1)), Duration.ofDays(1));
        AttackPki.Issued foreign = roguePki.client("foreign");
        Map<String, SSLContext> refused = new LinkedHashMap<>();
        refused.put("expired", pki.sslContext(expired));
        refused.put("early", pki.sslContext(early));
        refused.put("foreign", AttackPki.pushy(foreign, pki.caFile()));
        refused.put("no certificate", trustOnly(pki.caFile()));
        for (Map.Entry<String, SSLContext> e : refused.entrySet()) {
            assertThatThrownBy(() -> httpsStatus(e.getValue(), url)).as(e.getKey()).isInstanceOf(IOException.class);
        }
        // a valid signed changeset over an expired certificate never reaches the node
        Map<String, Map<String, String>> heads = refusals.heads();
        Changeset cs = World.signed(World.next("global", cluster.head("n1", "global"),
                Chains.put("sysctl/kernel.sysrq", "{\"value\":\"1\"}")), world.globalSigner);
        assertThatThrownBy(() -> httpsPost(pki.sslContext(expired), cluster.url("n2") + "/v1/changesets",
                ChangesetCodec.toCompactJson(cs))).isInstanceOf(IOException.class);
        assertThat(refusals.heads()).isEqualTo(heads);

        Eventually.await("the nodes log why each certificate was refused", AttackCluster.DEADLINE, () -> {
            List<String> lines = clusterLogs().lines().filter(l -> l.contains("TLS: client certificate")).toList();
            return lines.stream().anyMatch(l -> l.contains("CN=expired") && l.contains("expired on"))
                    && lines.stream().anyMatch(l -> l.contains("CN=early") && l.contains("not valid before"))
                    && lines.stream().anyMatch(l -> l.contains("CN=foreign") && l.contains("not issued by the cluster CA"));
        });
    }

    @Test
    @Order(7)
    void aNodeWithAnExpiredNotYetValidOrForeignCertificateRefusesToStartAndSaysWhy() throws Exception {
        Map<String, AttackPki.Issued> certs = new LinkedHashMap<>();
        certs.put("the node certificate expired on", pki.node("n8-expired", "n8", Instant.now().minus(Duration.ofDays(10)),
                Duration.ofDays(1)));
        certs.put("the node certificate is not valid before", pki.node("n8-early", "n8", Instant.now().plus(Duration.ofDays(1)),
                Duration.ofDays(1)));
        certs.put("the node certificate is not signed by the cluster CA", roguePki.node("n8-foreign", "n8", Instant.now(),
                Duration.ofDays(1)));
        int i = 0;
        for (Map.Entry<String, AttackPki.Issued> c : certs.entrySet()) {
            String name = "n8-" + (i++);
            AttackCluster.Exit exit = cluster.runToExit(name, config(name, "n8", peersWithSelf("n8"),
                    AttackPki.tlsLine(pki.caFile(), c.getValue())));
            assertThat(exit.code()).as(exit.output()).isEqualTo(1);
            assertThat(exit.output()).contains("bad-config").contains(c.getKey());
        }
        neverAMember("n8");
    }

    /**
     * Ratis serves its admin API (set the configuration, transfer leadership, snapshots) on the
     * same gRPC port as Raft itself. Mutual TLS only asks for a certificate of the cluster CA,
     * and the CA also issues client-only certificates to operators and edge devices: such a
     * holder must not be able to add a peer to the Raft group without a signed membership
     * change or join token. The peer it adds is a live rogue server with a node certificate.
     */
    @Test
    @Order(3)
    void aHolderOfAnEdgeCertificateCannotAddAPeerThroughTheRatisAdminApi() throws Exception {
        List<String> membersBefore = members("n1");
        AttackPki.Issued n9 = pki.node("n9");
        int rogueRaft = LocalProcesses.freePort();
        // a replica runs no elections, so Ratis does not shut it down as a stranger to the group; it waits to be fed
        Rogue rogue = rogue("rogue-admin", "n9", List.of("listen: 127.0.0.1:" + rogueRaft, "role: replica",
                "peers: [" + String.join(", ", cluster.peers()) + "]"), AttackPki.tlsLine(pki.caFile(), n9));
        cluster.start("rogue-admin", rogue.config());
        SSLContext operator = pki.sslContext(pki.client("operator-4"));
        Eventually.await("the rogue's API answers", AttackCluster.DEADLINE, () -> readyz(operator, rogue.apiPort()) != null);
        try (RaftBackdoor raft = new RaftBackdoor(cluster, pki.grpc(pki.client("edge-device")))) {
            List<RaftPeer> voters = raft.peers();
            List<RaftPeer> listeners = new ArrayList<>();
            for (var m : cluster.get("n1", "/v1/members").body().path("members")) {
                if (m.path("role").asText().equals("replica")) {
                    listeners.add(RaftBackdoor.peer(m.path("id").asText(), m.path("address").asText()));
                }
            }
            List<RaftPeer> withRogue = new ArrayList<>(listeners);
            withRogue.add(RaftBackdoor.peer("n9", "127.0.0.1:" + rogueRaft));
            RaftClientReply reply = null;
            Exception error = null;
            try {
                reply = raft.setConfigurationOnce(cluster.awaitLeader(), voters, withRogue);
            } catch (IOException e) {
                error = e;
            }
            List<String> after = members("n1");
            JsonNode rogueView = readyz(operator, rogue.apiPort());
            try {
                assertThat(after).as("members after an edge device's setConfiguration (reply: %s, error: %s); the rogue now "
                        + "sees %s", reply, error, rogueView).doesNotContain("n9").containsExactlyInAnyOrderElementsOf(membersBefore);
            } finally {
                if (after.contains("n9")) {
                    raft.setConfiguration(voters, listeners);
                }
                cluster.stop("rogue-admin");
            }
        }
    }

    /**
     * The Raft port also serves Ratis' client API, and the leader checks only changesets and
     * joins before the log: any other entry a Raft client proposes is appended as it is. An
     * edge device's client certificate must not be enough to write to the replicated log, e.g.
     * an alert that blames a healthy node (one entry with a large {@code repeated} makes it a
     * "suspect" in the fleet view) or a status report in its name.
     */
    @Test
    @Order(8)
    void anEdgeCertificateCannotWriteEntriesToTheRaftLog() throws Exception {
        String marker = "forged by an edge device " + System.nanoTime();
        long mark = cluster.alertMark();
        RaftBackdoor.Outcome outcome;
        try (RaftBackdoor raft = new RaftBackdoor(cluster, pki.grpc(pki.client("edge-device-2")))) {
            outcome = raft.send(LogEntryCodec.encode(new LogEntry.RecordAlert("n1",
                    Signing.rfc3339(Instant.now()), "bad-signature", marker, "nothing", 1000)));
        }
        List<String> forged = cluster.alerts("n2").stream().filter(a -> a.path("revision").asLong() > mark
                && a.path("message").asText().equals(marker)).map(a -> a.toString()).toList();
        JsonNode suspects = cluster.get("n2", "/v1/status").body().path("suspects");
        assertThat(forged).as("alerts written by an edge device through Raft (outcome %s); the fleet's suspects now: %s",
                outcome, suspects).isEmpty();
        assertThat(outcome.ok()).isFalse();
    }
}
