package dev.cscs.core.constraint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.json.Jcs;
import dev.cscs.core.model.JsonFields;
import dev.cscs.core.model.Names;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The values one field may take, e.g. {@code "settings.PermitRootLogin": {"oneOf": ["no"]}}.
 * Field names match and strings compare without regard to ASCII case, as sshd
 * reads its options: {@code permitrootlogin YES} is {@code PermitRootLogin yes} to it. That
 * can only refuse more. Other JSON types compare exactly: {@code true} is not {@code "yes"}.
 *
 * @param oneOf    the allowed values, or empty for any
 * @param required whether every value must set the field
 */
public record FieldRule(String path, List<JsonNode> oneOf, boolean required) {
    private static final Pattern PATH = Pattern.compile("[A-Za-z0-9_-]{1,64}(\\.[A-Za-z0-9_-]{1,64}){0,7}");

    public FieldRule {
        oneOf = List.copyOf(oneOf);
    }

    static FieldRule parse(String path, JsonNode n, String where) {
        if (!PATH.matcher(path).matches()) {
            throw CscsException.malformed(where + ": " + Names.shown(path) + " is not a field path like settings.PermitRootLogin");
        }
        JsonFields.object(n, where, Set.of(), Set.of("oneOf", "required"));
        List<JsonNode> oneOf = new ArrayList<>();
        if (n.has("oneOf")) {
            JsonNode a = JsonFields.array(n, "oneOf", where);
            if (a.isEmpty() || a.size() > ApplierRules.MAX_ITEMS) {
                throw CscsException.malformed(where + ".oneOf: must hold 1 to " + ApplierRules.MAX_ITEMS + " values");
            }
            a.forEach(oneOf::add);
        }
        boolean required = JsonFields.bool(n, "required", where, false);
        if (oneOf.isEmpty() && !required) {
            throw CscsException.malformed(where + ": constrains nothing; give oneOf, or required: true");
        }
        return new FieldRule(path, oneOf, required);
    }

    ObjectNode toTree() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        if (!oneOf.isEmpty()) {
            oneOf.forEach(o.putArray("oneOf")::add);
        }
        if (required) {
            o.put("required", true);
        }
        return o;
    }

    String describe() {
        String values = oneOf.isEmpty() ? "" : "one of " + String.join(", ", oneOf.stream().map(Jcs::canonicalString).toList());
        return required ? (values.isEmpty() ? "required" : "required, " + values) : values + " when set";
    }

    /** Why {@code value} breaks this rule, if it does. */
    Optional<String> check(JsonNode value) {
        List<JsonNode> found = new ArrayList<>();
        if (!find(value, path.split("\\."), 0, found)) {
            return Optional.of("cannot read " + path + ": a part of it is not a JSON object");
        }
        if (found.isEmpty()) {
            return required ? Optional.of(path + " is required and missing") : Optional.empty();
        }
        for (JsonNode v : found) {
            if (!oneOf.isEmpty() && oneOf.stream().noneMatch(allowed -> same(allowed, v))) {
                return Optional.of(path + " is " + Jcs.canonicalString(v) + "; allowed: "
                        + String.join(", ", oneOf.stream().map(Jcs::canonicalString).toList()));
            }
        }
        return Optional.empty();
    }

    /** Collects every node at {@code segments} from {@code i}, by case-insensitive name; false when the path runs through a non-object. */
    private static boolean find(JsonNode n, String[] segments, int i, List<JsonNode> out) {
        if (i == segments.length) {
            out.add(n);
            return true;
        }
        if (!n.isObject()) {
            return false;
        }
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            if (sameName(e.getKey(), segments[i]) && !find(e.getValue(), segments, i + 1, out)) {
                return false;
            }
        }
        return true;
    }

    private static boolean same(JsonNode allowed, JsonNode v) {
        if (allowed.isTextual() && v.isTextual()) {
            return asciiFold(allowed.textValue()).equals(asciiFold(v.textValue()));
        }
        if (allowed.isNumber() && v.isNumber()) {
            return allowed.decimalValue().compareTo(v.decimalValue()) == 0;
        }
        return allowed.equals(v);
    }

    /** Names sshd reads as one option: a constraint on either holds the other too. */
    private static final Map<String, String> ALIASES = Map.of(
            "challengeresponseauthentication", "kbdinteractiveauthentication",
            "pubkeyacceptedkeytypes", "pubkeyacceptedalgorithms",
            "hostbasedacceptedkeytypes", "hostbasedacceptedalgorithms");

    private static boolean sameName(String a, String b) {
        String x = asciiFold(a);
        String y = asciiFold(b);
        return ALIASES.getOrDefault(x, x).equals(ALIASES.getOrDefault(y, y));
    }

    /** A-Z to a-z only, as strcasecmp does: a non-ASCII look-alike of an allowed value stays different. */
    private static String asciiFold(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.chars().forEach(c -> b.append((char) (c >= 'A' && c <= 'Z' ? c + 32 : c)));
        return b.toString();
    }
}
