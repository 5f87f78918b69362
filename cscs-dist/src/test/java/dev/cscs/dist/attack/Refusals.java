package dev.cscs.dist.attack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * The three things every refused submission must show: the exact HTTP status and stable
 * error code (with a hint), an alert with that code and the receiving node as its origin in
 * every node's {@code _alerts}, and no chain that moved on any node.
 */
final class Refusals {
    private final AttackCluster cluster;

    Refusals(AttackCluster cluster) {
        this.cluster = cluster;
    }

    /** Every node's chain heads, {@code node → domain → seq:digest}. */
    Map<String, Map<String, String>> heads() {
        Map<String, Map<String, String>> all = new TreeMap<>();
        for (String id : cluster.ids()) {
            if (!cluster.running(id)) {
                continue;
            }
            Map<String, String> heads = new TreeMap<>();
            cluster.get(id, "/v1/trust").body().path("domains").fields()
                    .forEachRemaining(e -> heads.put(e.getKey(), e.getValue().path("seq").asLong() + ":"
                            + e.getValue().path("digest").asText()));
            all.put(id, heads);
        }
        return all;
    }

    AttackCluster.Response refused(String via, Changeset cs, int status, String code) {
        return refused(via, ChangesetCodec.toCompactJson(cs), status, code);
    }

    AttackCluster.Response refused(String via, String json, int status, String code) {
        return refused(via, json.getBytes(StandardCharsets.UTF_8), status, code);
    }

    /** Posts {@code body} to {@code /v1/changesets} of {@code via} and checks the refusal, the alert and the chains. */
    AttackCluster.Response refused(String via, byte[] body, int status, String code) {
        Map<String, Map<String, String>> before = heads();
        long mark = cluster.alertMark();
        AttackCluster.Response r = cluster.post(via, "/v1/changesets", body);
        assertThat(r.status()).as("HTTP status of %s", r.body()).isEqualTo(status);
        assertThat(r.code()).as("error code of %s", r.body()).isEqualTo(code);
        assertThat(r.body().path("error").path("hint").asText()).as("a hint for the operator").isNotEmpty();
        JsonNode alert = cluster.awaitAlert(mark, code, via);
        assertThat(alert.path("message").asText()).as("the alert says why").isNotEmpty();
        assertThat(heads()).as("no chain moved on any node").isEqualTo(before);
        return r;
    }
}
