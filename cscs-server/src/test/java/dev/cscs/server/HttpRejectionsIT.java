package dev.cscs.server;

import static dev.cscs.core.testing.Chains.put;
import static dev.cscs.core.testing.Chains.signed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetBody;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Head;
import dev.cscs.core.testing.Chains;
import dev.cscs.core.trust.Signing;
import dev.cscs.core.testing.Eventually;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Every rejection at the HTTP API: its status and code, nothing in the chains, and an alert on every node. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpRejectionsIT {
    LocalCluster cluster;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        cluster = new LocalCluster(dir, 3);
        Eventually.await("a leader", Duration.ofSeconds(30), () -> cluster.get("n1", "/readyz").status() == 200);
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    private Head head(String domain) {
        var h = cluster.get("n2", "/v1/changesets/" + domain + "?limit=0").body().path("head");
        return new Head(h.path("seq").asLong(), Digest.parse(h.path("digest").asText()));
    }

    private Changeset next(String domain, String key) {
        Head h = head(domain);
        return Signing.unsigned(domain, h.seq() + 1, h.digest(), Chains.T0, List.of(put(key, "{\"value\":\"1\"}")), null);
    }

    private void rejected(byte[] body, int status, String code) {
        Eventually.await("all nodes applied earlier writes", Duration.ofSeconds(20), () -> List.of("n1", "n2", "n3").stream()
                .map(n -> cluster.daemon(n).raft().store().allChangesets().size()).distinct().count() == 1);
        int chainsBefore = cluster.daemon("n1").raft().store().allChangesets().size();
        int alertsBefore = cluster.daemon("n1").raft().store().alerts().size();
        LocalCluster.Response r = cluster.post("n3", "/v1/changesets", body);
        assertThat(r.status()).as(r.body().toString()).isEqualTo(status);
        assertThat(r.body().path("error").path("code").asText()).isEqualTo(code);
        assertThat(r.body().path("error").path("hint").asText()).isNotEmpty();
        Eventually.await("an alert " + code + " on every node", Duration.ofSeconds(20), () -> List.of("n1", "n2", "n3").stream()
                .allMatch(n -> cluster.daemon(n).raft().store().alerts().stream().anyMatch(a -> a.code().equals(code))
                        && cluster.daemon(n).raft().store().alerts().size() > alertsBefore));
        for (String n : List.of("n1", "n2", "n3")) {
            assertThat(cluster.daemon(n).raft().store().allChangesets()).hasSize(chainsBefore);
        }
    }

    @Test
    void aValidChangesetIsAcceptedWith201() {
        Changeset cs = signed(next("global", "sysctl/net.test.ok"), Chains.signerB());
        LocalCluster.Response r = cluster.post("n2", "/v1/changesets", ChangesetCodec.toCompactJson(cs));
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.body().path("digest").asText()).isEqualTo(ChangesetCodec.digest(cs.body()).toString());
    }

    @Test
    void aForgedSignatureIs403() {
        Changeset cs = signed(next("global", "sysctl/net.test.forged"), Chains.signerB());
        ChangesetBody b = cs.body();
        Changeset tampered = new Changeset(new ChangesetBody(b.domain(), b.seq(), b.prev(), b.issued(),
                List.of(put("sysctl/net.test.forged", "{\"value\":\"2\"}")), null), cs.signatures());
        rejected(ChangesetCodec.toCompactJson(tampered), 403, "bad-signature");
    }

    @Test
    void aReplayedChangesetIs409() {
        Changeset cs = signed(next("factory-a", "sysctl/net.test.replay"), Chains.signerA());
        assertThat(cluster.post("n1", "/v1/changesets", ChangesetCodec.toCompactJson(cs)).status()).isEqualTo(201);
        rejected(ChangesetCodec.toCompactJson(cs), 409, "wrong-seq");
    }

    @Test
    void aSignerOfAnotherDomainIs403() {
        rejected(ChangesetCodec.toCompactJson(signed(next("global", "sysctl/net.test.x"), Chains.signerA())), 403, "unauthorized-key");
    }

    @Test
    void anOversizeChangesetIs413() {
        String big = "x".repeat(70_000);
        Changeset cs = signed(new Changeset(new ChangesetBody("global", head("global").seq() + 1, head("global").digest(),
                Signing.rfc3339(Chains.T0), List.of(put("sysctl/net.test.big", "{\"value\":\"" + big + "\"}")), null), List.of()),
                Chains.signerB());
        rejected(ChangesetCodec.toCompactJson(cs), 413, "too-large");
    }

    @Test
    void malformedJsonAndDuplicateMembersAre400() {
        rejected("{\"body\": ".getBytes(StandardCharsets.UTF_8), 400, "malformed");
        String json = new String(ChangesetCodec.toCompactJson(signed(next("global", "sysctl/net.test.d"), Chains.signerB())),
                StandardCharsets.UTF_8);
        String duplicated = json.replaceFirst("\"domain\":\"global\"", "\"domain\":\"global\",\"domain\":\"factory-a\"");
        rejected(duplicated.getBytes(StandardCharsets.UTF_8), 400, "malformed");
    }

    @Test
    void anUnknownApplierIs400() {
        rejected(ChangesetCodec.toCompactJson(signed(next("global", "bogus/x"), Chains.signerB())), 400, "invalid-value");
    }

    /** The documented error shape, with a code of the error table whose status is the one answered. */
    static void documentedError(LocalCluster.Response r) {
        String code = r.body().path("error").path("code").asText();
        assertThat(ErrorCode.fromCode(code).code()).as(r.body().toString()).isEqualTo(code);
        assertThat(ErrorCode.fromCode(code).httpStatus()).as(r.body().toString()).isEqualTo(r.status());
        assertThat(r.body().path("error").path("message").asText()).isNotEmpty();
        assertThat(r.body().path("error").path("hint").asText()).isNotEmpty();
    }

    /** Bad percent-encoding in a query string, on every route that reads a parameter: 400 malformed, not 500. */
    @Test
    void aQueryStringThatIsNotPercentEncodingIsRefusedWith400() {
        for (String path : List.of("/v1/kv/global?consistency=%zz", "/v1/changesets/global?limit=%", "/v1/status?consistency=%G0",
                "/v1/watch?domains=%zz", "/readyz?x=%")) {
            LocalCluster.Response r = cluster.rawGet("n1", path);
            assertThat(r.status()).as(path + " " + r.body()).isEqualTo(400);
            assertThat(r.body().path("error").path("code").asText()).as(path).isEqualTo("malformed");
            documentedError(r);
        }
    }

    @Test
    void readsAndErrorsSpeakJson() {
        assertThat(cluster.get("n1", "/v1/kv/nope").status()).isEqualTo(403);
        assertThat(cluster.get("n1", "/v1/kv/nope").body().path("error").path("code").asText()).isEqualTo("unknown-domain");
        assertThat(cluster.get("n1", "/v1/kv/global/sysctl/net.no.such.key").status()).isEqualTo(404);
        assertThat(cluster.get("n2", "/v1/nothing").status()).isEqualTo(404);
        assertThat(cluster.get("n2", "/v1/trust").body().path("genesis").asText()).startsWith("sha256:");
        assertThat(cluster.get("n3", "/v1/audit").body().path("ok").asBoolean()).isTrue();
        assertThat(cluster.get("n3", "/healthz").status()).isEqualTo(200);
    }
}
