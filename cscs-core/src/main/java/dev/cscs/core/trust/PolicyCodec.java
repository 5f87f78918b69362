package dev.cscs.core.trust;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.core.constraint.Constraints;
import dev.cscs.core.crypto.PublicKeyRef;
import dev.cscs.core.crypto.PublicKeys;
import dev.cscs.core.crypto.SignatureAlg;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.model.JsonFields;
import dev.cscs.core.model.Names;
import dev.cscs.core.model.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Reads and writes the trust policy value, checking every reference and threshold. */
public final class PolicyCodec {
    public static final int MAX_KEYS = 256;
    public static final int MAX_DOMAINS = 4096;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private PolicyCodec() {
    }

    public static TrustPolicy parse(JsonNode v) {
        String path = "policy";
        JsonFields.object(v, path, Set.of("keys", "roots", "operators", "domains"), Set.of());
        Map<String, KeyEntry> keys = keys(JsonFields.object(v.get("keys"), path + ".keys", Set.of(), JsonFields.fieldNames(v.get("keys"))));
        KeySet roots = keySet(v.get("roots"), path + ".roots", keys);
        KeySet operators = keySet(v.get("operators"), path + ".operators", keys);
        JsonNode d = v.get("domains");
        JsonFields.object(d, path + ".domains", Set.of(), JsonFields.fieldNames(d));
        if (d.size() > MAX_DOMAINS) {
            throw CscsException.malformed(path + ".domains: more than " + MAX_DOMAINS + " domains");
        }
        Map<String, DomainRule> domains = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = d.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String dpath = path + ".domains." + e.getKey();
            try {
                Names.checkDomain(e.getKey());
            } catch (CscsException ex) {
                throw CscsException.malformed(dpath + ": " + ex.getMessage());
            }
            JsonFields.object(e.getValue(), dpath, Set.of("keyids", "threshold"), Set.of("appliers", "constraints", "selector"));
            KeySet signers = keySet(e.getValue(), dpath, keys);
            Set<String> appliers = null;
            if (e.getValue().has("appliers")) {
                appliers = new TreeSet<>(strings(JsonFields.array(e.getValue(), "appliers", dpath), dpath + ".appliers"));
                if (appliers.isEmpty()) {
                    throw CscsException.malformed(dpath + ".appliers: empty; leave it out to allow every applier");
                }
                for (String a : appliers) {
                    if (!Names.isApplier(a)) {
                        throw CscsException.malformed(dpath + ".appliers: " + Names.shown(a) + " is not an applier name");
                    }
                }
            }
            Constraints constraints = e.getValue().has("constraints")
                    ? Constraints.parse(e.getValue().get("constraints"), dpath + ".constraints") : Constraints.NONE;
            for (String applier : constraints.byApplier().keySet()) {
                if (appliers != null && !appliers.contains(applier)) {
                    throw CscsException.malformed(dpath + ".constraints." + applier + ": the domain's scope "
                            + appliers + " does not include " + applier);
                }
            }
            Selector selector = e.getValue().has("selector") ? Selector.parse(e.getValue().get("selector"), dpath + ".selector") : null;
            domains.put(e.getKey(), new DomainRule(signers.keyids(), signers.threshold(), appliers, constraints, selector));
        }
        return new TrustPolicy(keys, roots, operators, domains);
    }

    private static Map<String, KeyEntry> keys(JsonNode k) {
        if (k.isEmpty()) {
            throw CscsException.malformed("policy.keys: no keys");
        }
        if (k.size() > MAX_KEYS) {
            throw CscsException.malformed("policy.keys: more than " + MAX_KEYS + " keys");
        }
        Map<String, KeyEntry> keys = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = k.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String kpath = "policy.keys." + e.getKey().substring(0, Math.min(16, e.getKey().length()));
            try {
                Signature.checkKeyId(e.getKey());
            } catch (CscsException ex) {
                throw CscsException.malformed(kpath + ": " + ex.getMessage());
            }
            JsonFields.object(e.getValue(), kpath, Set.of("alg", "spki"), Set.of());
            SignatureAlg alg = SignatureAlg.fromWire(JsonFields.text(e.getValue(), "alg", kpath));
            byte[] der;
            try {
                der = Base64.getDecoder().decode(JsonFields.text(e.getValue(), "spki", kpath));
            } catch (IllegalArgumentException ex) {
                throw CscsException.malformed(kpath + ".spki: not base64");
            }
            PublicKeyRef key;
            try {
                key = PublicKeys.fromSpki(der);
            } catch (CscsException ex) {
                throw CscsException.malformed(kpath + ".spki: " + ex.getMessage());
            }
            if (!key.keyid().equals(e.getKey())) {
                throw CscsException.malformed(kpath + ": keyid is not the SHA-256 of its spki (" + key.keyid() + ")");
            }
            if (key.type() != alg.keyType()) {
                throw CscsException.malformed(kpath + ": alg " + alg + " does not fit a " + key.type().label() + " key");
            }
            keys.put(e.getKey(), new KeyEntry(alg, key));
        }
        return keys;
    }

    private static KeySet keySet(JsonNode n, String path, Map<String, KeyEntry> keys) {
        if (path.endsWith("roots") || path.endsWith("operators")) {
            JsonFields.object(n, path, Set.of("keyids", "threshold"), Set.of());
        }
        List<String> ids = strings(JsonFields.array(n, "keyids", path), path + ".keyids");
        if (ids.isEmpty()) {
            throw CscsException.malformed(path + ".keyids: no keys");
        }
        if (new LinkedHashSet<>(ids).size() != ids.size()) {
            throw CscsException.malformed(path + ".keyids: a keyid appears twice");
        }
        for (String id : ids) {
            if (!keys.containsKey(id)) {
                throw CscsException.malformed(path + ".keyids: " + Names.shown(id) + " is not in policy.keys");
            }
        }
        long threshold = JsonFields.integer(n, "threshold", path);
        if (threshold < 1 || threshold > ids.size()) {
            throw CscsException.malformed(path + ".threshold: " + threshold + " must be between 1 and " + ids.size());
        }
        return new KeySet(ids, (int) threshold);
    }

    private static List<String> strings(JsonNode array, String path) {
        List<String> out = new ArrayList<>();
        for (JsonNode s : array) {
            if (!s.isTextual()) {
                throw CscsException.malformed(path + ": must hold strings");
            }
            out.add(s.textValue());
        }
        return out;
    }

    public static ObjectNode toTree(TrustPolicy p) {
        ObjectNode root = NODES.objectNode();
        ObjectNode keys = root.putObject("keys");
        p.keys().forEach((id, e) -> keys.putObject(id).put("alg", e.alg().wireName()).put("spki", e.key().spkiBase64()));
        root.set("roots", keySetTree(p.roots()));
        root.set("operators", keySetTree(p.operators()));
        ObjectNode domains = root.putObject("domains");
        p.domains().forEach((name, rule) -> {
            ObjectNode r = keySetTree(rule.signers());
            if (rule.appliers() != null) {
                ArrayNode a = r.putArray("appliers");
                new TreeSet<>(rule.appliers()).forEach(a::add);
            }
            if (!rule.constraints().isEmpty()) {
                r.set("constraints", rule.constraints().toTree());
            }
            if (rule.selector() != null) {
                r.set("selector", rule.selector().toTree());
            }
            domains.set(name, r);
        });
        return root;
    }

    private static ObjectNode keySetTree(KeySet s) {
        ObjectNode o = NODES.objectNode();
        ArrayNode ids = o.putArray("keyids");
        s.keyids().forEach(ids::add);
        o.put("threshold", s.threshold());
        return o;
    }
}
