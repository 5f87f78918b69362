package dev.cscs.core.constraint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.model.JsonFields;
import dev.cscs.core.model.KeyPath;
import dev.cscs.core.model.Names;
import dev.cscs.core.model.Op;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A domain's constraints, per applier: {@code "constraints": {"sshd": {...}, "firewall": {...}}}
 * in its trust-policy rule. An applier without an entry is unconstrained.
 */
public record Constraints(Map<String, ApplierRules> byApplier) {
    public static final Constraints NONE = new Constraints(Map.of());

    public Constraints {
        byApplier = Collections.unmodifiableMap(new TreeMap<>(byApplier));
    }

    public boolean isEmpty() {
        return byApplier.isEmpty();
    }

    /** Reads {@code node} (the value of {@code path}); every error names where it is. */
    public static Constraints parse(JsonNode node, String path) {
        JsonFields.object(node, path, Set.of(), JsonFields.fieldNames(node));
        if (node.isEmpty()) {
            throw CscsException.malformed(path + ": empty; leave it out for no constraints");
        }
        Map<String, ApplierRules> out = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!Names.isApplier(e.getKey())) {
                throw CscsException.malformed(path + ": " + Names.shown(e.getKey()) + " is not an applier name");
            }
            out.put(e.getKey(), ApplierRules.parse(e.getKey(), e.getValue(), path + "." + e.getKey()));
        }
        return new Constraints(out);
    }

    public ObjectNode toTree() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        byApplier.forEach((applier, rules) -> o.set(applier, rules.toTree()));
        return o;
    }

    /** Each constraint in plain words, keyed by where it sits (as a refusal names it), in order. */
    public Map<String, String> describe() {
        Map<String, String> out = new LinkedHashMap<>();
        byApplier.forEach((applier, rules) -> rules.describe(applier, out));
        return out;
    }

    /** What {@code value} at {@code key} breaks; empty when it keeps every constraint. */
    public List<Violation> check(String key, JsonNode value) {
        KeyPath path = KeyPath.parse(key);
        ApplierRules rules = byApplier.get(path.applier());
        return rules == null ? List.of() : rules.check(key, path.name(), value);
    }

    /** Refuses the ops of a changeset of {@code domain} when a put breaks a constraint. */
    public void require(String domain, List<Op> ops) {
        if (byApplier.isEmpty()) {
            return;
        }
        List<Violation> all = new ArrayList<>();
        for (Op op : ops) {
            if (op instanceof Op.Put put) {
                all.addAll(check(put.key(), put.value()));
            }
        }
        if (!all.isEmpty()) {
            throw new CscsException(ErrorCode.CONSTRAINT, "domain " + domain + ": " + String.join("; ",
                    all.stream().map(Violation::message).toList()));
        }
    }
}
