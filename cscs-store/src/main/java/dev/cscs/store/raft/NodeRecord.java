package dev.cscs.store.raft;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.core.crypto.PublicKeyRef;
import dev.cscs.core.crypto.PublicKeys;
import dev.cscs.core.crypto.SignatureAlg;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.model.JsonFields;
import dev.cscs.core.model.Labels;
import dev.cscs.core.model.Names;
import java.util.Base64;
import java.util.Set;

/**
 * A node in the {@code _nodes} registry: the desired membership, written by operators. The
 * leader makes the Raft configuration follow it.
 *
 * @param role {@code voter}, {@code replica} (a Ratis listener), {@code agent} (an edge device, no Raft: a record
 *             only to set its labels) or {@code removed}
 */
public record NodeRecord(String id, String role, HostPort raft, String api) {
    public static final Set<String> ROLES = Set.of("voter", "replica", "agent", "removed");

    public NodeRecord {
        Names.checkNodeId(id);
        if (!ROLES.contains(role)) {
            throw CscsException.malformed("node " + id + ": role " + Names.shown(role) + " is not voter, replica, agent or removed");
        }
    }

    public static NodeRecord parse(String id, JsonNode v) {
        String path = "node/" + id;
        JsonFields.object(v, path, Set.of("role"), Set.of("raft", "api", "key", "domains", "labels"));
        String role = JsonFields.text(v, "role", path);
        HostPort raft = v.has("raft") ? HostPort.parse(JsonFields.text(v, "raft", path)) : null;
        if (raft == null && ("voter".equals(role) || "replica".equals(role))) {
            throw CscsException.malformed(path + ": a " + role + " needs its raft address");
        }
        String api = v.has("api") ? JsonFields.text(v, "api", path) : null;
        if (v.has("key")) {
            JsonNode k = JsonFields.object(v.get("key"), path + ".key", Set.of("alg", "spki"), Set.of());
            SignatureAlg alg = SignatureAlg.fromWire(JsonFields.text(k, "alg", path + ".key"));
            try {
                PublicKeyRef key = PublicKeys.fromSpki(
                        Base64.getDecoder().decode(JsonFields.text(k, "spki", path + ".key")));
                if (key.type() != alg.keyType()) {
                    throw CscsException.malformed(path + ".key: alg " + alg + " does not fit the key");
                }
            } catch (IllegalArgumentException e) {
                throw CscsException.malformed(path + ".key.spki: not base64");
            }
        }
        if (v.has("domains")) {
            for (JsonNode d : JsonFields.array(v, "domains", path)) {
                Names.checkDomain(d.asText());
            }
        }
        if (v.has("labels")) {
            Labels.parse(v.get("labels"), path + ".labels");
        }
        if (api != null && !api.matches("https?://[A-Za-z0-9.:\\[\\]-]{1,260}")) {
            throw CscsException.malformed(path + ".api: " + Names.shown(api) + " is not an http(s)://host:port URL");
        }
        return new NodeRecord(id, role, raft, api);
    }

    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode().put("role", role);
        if (raft != null) {
            o.put("raft", raft.toString());
        }
        if (api != null) {
            o.put("api", api);
        }
        return o;
    }
}
