package dev.cscs.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.agent.applier.Appliers;
import dev.cscs.core.constraint.Constraints;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.json.Jcs;
import dev.cscs.core.model.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What it takes to bring a domain from {@code current} to {@code desired}: the ops (puts of new
 * and changed keys, deletes of keys no longer wanted, in key order), every value the servers'
 * schema check would refuse, and every desired value that breaks the domain's constraints (the
 * trust policy's guardrails). Shared by diff, apply and revert so they agree on all three.
 */
record Plan(String domain, Map<String, JsonNode> current, Map<String, JsonNode> desired, List<Op> ops, List<String> invalid,
            List<String> violations) {
    static Plan of(String domain, Map<String, JsonNode> current, Map<String, JsonNode> desired) {
        return of(domain, current, desired, Constraints.NONE);
    }

    /** Kept values are checked as well as changed ones: the whole desired state must keep the constraints. */
    static Plan of(String domain, Map<String, JsonNode> current, Map<String, JsonNode> desired, Constraints constraints) {
        List<Op> ops = new ArrayList<>();
        TreeSet<String> keys = new TreeSet<>(current.keySet());
        keys.addAll(desired.keySet());
        for (String key : keys) {
            JsonNode now = current.get(key);
            JsonNode want = desired.get(key);
            if (want == null) {
                ops.add(new Op.Delete(key));
            } else if (now == null || !Jcs.canonicalString(now).equals(Jcs.canonicalString(want))) {
                ops.add(new Op.Put(key, want));
            }
        }
        List<String> invalid = new ArrayList<>();
        List<String> violations = new ArrayList<>();
        desired.forEach((key, value) -> {
            try {
                Appliers.validate(key, value);
            } catch (CscsException e) {
                // the appliers name the key first; said once here
                String why = e.getMessage().startsWith(key + ": ") ? e.getMessage().substring(key.length() + 2) : e.getMessage();
                invalid.add("domain " + domain + ", key " + key + ": " + why);
            }
            constraints.check(key, value).forEach(v -> violations.add("domain " + domain + ", " + v.message()));
        });
        return new Plan(domain, current, desired, ops, invalid, violations);
    }

    boolean inSync() {
        return ops.isEmpty();
    }

    /**
     * The error of every invalid value and every constraint violation of these plans at once, or
     * null when there is none: {@code invalid-value} if any value is invalid, else {@code constraint}.
     */
    static CscsException refusals(List<Plan> plans) {
        List<String> invalid = new ArrayList<>();
        List<String> violations = new ArrayList<>();
        plans.forEach(p -> {
            invalid.addAll(p.invalid());
            violations.addAll(p.violations());
        });
        if (invalid.isEmpty() && violations.isEmpty()) {
            return null;
        }
        String what = invalid.isEmpty() ? "" : invalid.size() + " invalid value" + (invalid.size() == 1 ? "" : "s");
        if (!violations.isEmpty()) {
            String broken = violations.size() + " constraint violation" + (violations.size() == 1 ? "" : "s");
            what = what.isEmpty() ? broken + " (the trust policy forbids these values; nothing was signed)"
                    : what + " and " + broken + " (nothing was signed)";
        }
        List<String> all = new ArrayList<>(invalid);
        all.addAll(violations);
        return new CscsException(invalid.isEmpty() ? ErrorCode.CONSTRAINT : ErrorCode.INVALID_VALUE,
                what + ":\n  " + String.join("\n  ", all));
    }

    /** Per key, old and new down to the changed field; "in sync" when there is nothing to do. */
    String human() {
        if (ops.isEmpty()) {
            return domain + ": in sync, nothing to change";
        }
        StringBuilder b = new StringBuilder(domain + ": " + ops.size() + " change(s)\n");
        for (Op op : ops) {
            b.append(DiffRenderer.render(op.key(), current.get(op.key()), op instanceof Op.Put ? ((Op.Put) op).value() : null));
        }
        return b.toString().stripTrailing();
    }

    ObjectNode json() {
        ObjectNode o = JsonNodeFactory.instance.objectNode().put("domain", domain).put("inSync", ops.isEmpty());
        ArrayNode a = o.putArray("ops");
        for (Op op : ops) {
            ObjectNode x = a.addObject().put("op", op instanceof Op.Put ? "put" : "delete").put("key", op.key());
            if (current.containsKey(op.key())) {
                x.set("old", current.get(op.key()));
            }
            if (op instanceof Op.Put) {
                x.set("value", ((Op.Put) op).value());
            }
        }
        ArrayNode inv = o.putArray("invalid");
        invalid.forEach(inv::add);
        ArrayNode broken = o.putArray("violations");
        violations.forEach(broken::add);
        return o;
    }
}
