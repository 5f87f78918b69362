package dev.cscs.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.core.model.Labels;

/** Reads a {@code _nodes} registry value into a {@link NodeView}, keeping what a join told when the value is silent. */
final class NodeViews {
    private NodeViews() {
    }

    static NodeView fromRegistry(String id, KeyValue kv, NodeView joined) {
        JsonNode v = kv.value();
        String keyAlg = v.path("key").path("alg").asText(null);
        String spki = v.path("key").path("spki").asText(null);
        if (keyAlg == null && joined != null) {
            keyAlg = joined.keyAlg();
            spki = joined.spki();
        }
        String raft = v.path("raft").asText(joined == null ? "" : joined.raft());
        // checked when it was submitted (NodeRecord); the join's labels stand while the registry names none
        Labels labels = v.has("labels") ? Labels.parse(v.get("labels"), kv.key()) : joined == null ? Labels.NONE : joined.labels();
        return new NodeView(id, v.path("role").asText(), raft, v.path("api").asText(null), keyAlg, spki, kv.revision(),
                "registry", labels);
    }
}
