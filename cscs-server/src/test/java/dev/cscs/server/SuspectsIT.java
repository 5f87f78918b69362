package dev.cscs.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetBody;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Head;
import dev.cscs.core.testing.Chains;
import dev.cscs.core.testing.Eventually;
import dev.cscs.core.trust.Signing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compromised-node detection: a node whose verified chain heads disagree with the cluster's is
 * flagged, so is an origin whose proposals keep being refused; `cscs status` shows the evidence
 * and one signed membership change removes the suspect.
 */
class SuspectsIT {
    @Test
    void forkedHeadsAndRepeatedRejectionsAreFlaggedWithEvidenceAndTheSuspectCanBeRemoved(@TempDir Path dir) throws Exception {
        TestPki pki = new TestPki(Files.createDirectories(dir.resolve("pki")), "test CA");
        try (LocalCluster cluster = new LocalCluster(dir, 3, pki, "alertInterval: 0s", true)) {
            Eventually.await("a leader", Duration.ofSeconds(30), () -> cluster.get("n1", "/readyz").status() == 200);
            var h = cluster.get("n1", "/v1/changesets/global?limit=0").body().path("head");
            Head head = new Head(h.path("seq").asLong(), Digest.parse(h.path("digest").asText()));
            Changeset honest = Chains.signed(Signing.unsigned("global", head.seq() + 1, head.digest(), Chains.T0,
                    List.of(Chains.put("sysctl/net.test.s", "{\"value\":\"1\"}")), null), Chains.signerB());
            assertThat(cluster.post("n1", "/v1/changesets", ChangesetCodec.toCompactJson(honest)).status()).isEqualTo(201);

            String forkedReport = "{\"format\":\"cscs/status/v1\",\"node\":\"n9\","
                    + "\"time\":\"2026-11-29T16:00:00Z\",\"revision\":5,\"applied\":[],\"heads\":[{\"domain\":\"global\",\"seq\":1,"
                    + "\"digest\":\"sha256:" + "ab".repeat(32) + "\"}],\"appliers\":[],\"overrides\":[],\"errors\":[],\"notes\":[]}";
            // over the API only a joined node may report, signed by its key
            var viaApi = cluster.post("n2", "/v1/status", ("{\"node\":\"n9\",\"report\":" + forkedReport + "}").getBytes());
            assertThat(viaApi.status()).isEqualTo(403);
            assertThat(viaApi.body().path("error").path("code").asText()).isEqualTo("unknown-key");
            // a member writing through Raft itself is not stopped there, but the fork is in plain view
            cluster.daemon("n2").raft().reportStatus("n9", new ObjectMapper().readTree(forkedReport), null).get();

            ChangesetBody b = honest.body();
            for (int i = 0; i < 3; i++) {
                Changeset forged = new Changeset(new ChangesetBody(b.domain(), b.seq() + 1, ChangesetCodec.digest(b), b.issued(),
                        List.of(Chains.put("sysctl/net.test.s", "{\"value\":\"" + (i + 2) + "\"}")), null), honest.signatures());
                // a client sending forgeries to n1 is refused there, and n1 is not blamed for it
                assertThat(cluster.post("n1", "/v1/changesets", ChangesetCodec.toCompactJson(forged)).status()).isEqualTo(403);
                // n3 proposing them straight through Raft skipped its own check: the leader refuses and n3 is blamed
                int attempt = i;
                assertThatThrownBy(() -> cluster.daemon("n3").raft().submit(forged, "n3").get())
                        .as("forgery %d through Raft", attempt).hasMessageContaining("does not verify");
            }

            JsonNode status = Eventually.get("both suspects", Duration.ofSeconds(30), () -> {
                JsonNode s = cluster.get("n1", "/v1/status").body();
                return s.path("suspects").size() >= 2 ? s : null;
            });
            assertThat(status.path("suspects").toString()).contains("\"node\":\"n9\"").contains("a forked chain")
                    .contains("\"node\":\"n3\"").contains("refused proposals came through it")
                    .doesNotContain("\"node\":\"n1\"");
            assertThat(status.path("nodes").get(0).path("health").asText()).as("suspects come first").isEqualTo("suspect");

            var reg = cluster.get("n1", "/v1/changesets/_nodes?limit=0").body().path("head");
            Changeset remove = Chains.signed(Signing.unsigned("_nodes", reg.path("seq").asLong() + 1,
                    Digest.parse(reg.path("digest").asText()), Chains.T0,
                    List.of(Chains.put("node/n3", "{\"role\":\"removed\"}")), "suspect"), Chains.root());
            assertThat(cluster.post("n1", "/v1/members", ChangesetCodec.toCompactJson(remove)).status()).isEqualTo(201);
            Eventually.await("n3 left the Raft configuration", Duration.ofSeconds(30), () -> !cluster.get("n1", "/v1/members").body()
                    .path("members").toString().contains("\"id\":\"n3\""));
        }
    }
}
