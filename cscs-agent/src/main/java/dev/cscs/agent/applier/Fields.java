package dev.cscs.agent.applier;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.model.Names;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Typed, total access to the fields of one value, with messages of the form
 * {@code yum/epel: field "baseurl": why}. Every getter either returns a checked value or throws
 * {@link CscsException} with {@link ErrorCode#INVALID_VALUE}; nothing else escapes, whatever
 * the JSON tree holds.
 */
final class Fields {
    private final String key;
    private final JsonNode object;
    /** For nested objects: {@code rules[2].} so messages name the full field path. */
    private final String prefix;

    private Fields(String key, JsonNode object, String prefix) {
        this.key = key;
        this.object = object;
        this.prefix = prefix;
    }

    /** Checks the key name, that {@code value} is an object, and that it has no field outside {@code allowed}. */
    static Fields of(String applier, String name, JsonNode value, Set<String> allowed) {
        String key = checkName(applier, name);
        if (value == null || !value.isObject()) {
            throw error(key, "the value must be a JSON object, got " + typeOf(value));
        }
        for (Iterator<String> it = value.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw error(key, "unknown field " + Names.shown(f) + "; allowed: " + String.join(", ", new TreeSet<>(allowed)));
            }
        }
        return new Fields(key, value, "");
    }

    /** {@code applier/name} if {@code name} is a valid key name; otherwise throws naming the problem. */
    static String checkName(String applier, String name) {
        String problem = Text.keyNameProblem(name);
        if (problem != null) {
            throw error(applier + "/" + Names.shown(name), "key name " + problem);
        }
        return applier + "/" + name;
    }

    static CscsException error(String key, String why) {
        return new CscsException(ErrorCode.INVALID_VALUE, key + ": " + why);
    }

    String key() {
        return key;
    }

    CscsException invalid(String field, String why) {
        return error(key, "field \"" + prefix + field + "\" " + why);
    }

    boolean has(String field) {
        return object.has(field);
    }

    Optional<JsonNode> node(String field) {
        JsonNode n = object.get(field);
        if (n == null) {
            return Optional.empty();
        }
        if (n.isNull()) {
            throw invalid(field, "is null; leave the field out instead");
        }
        return Optional.of(n);
    }

    JsonNode required(String field) {
        return node(field).orElseThrow(() -> invalid(field, "is required"));
    }

    /** A one-line string of 1..max characters with nothing invisible in it. */
    String string(String field, JsonNode n, int max) {
        if (!n.isTextual()) {
            throw invalid(field, "must be a string, got " + typeOf(n));
        }
        String s = n.textValue();
        if (s.isEmpty()) {
            throw invalid(field, "is empty");
        }
        if (s.length() > max) {
            throw invalid(field, "is " + s.length() + " characters long; at most " + max);
        }
        String problem = Text.problem(s);
        if (problem != null) {
            throw invalid(field, problem);
        }
        if (!s.strip().equals(s)) {
            throw invalid(field, "has leading or trailing whitespace");
        }
        return s;
    }

    Optional<String> optString(String field, int max) {
        return node(field).map(n -> string(field, n, max));
    }

    String requiredString(String field, int max) {
        return string(field, required(field), max);
    }

    Optional<Boolean> optBool(String field) {
        return node(field).map(n -> {
            if (!n.isBoolean()) {
                throw invalid(field, "must be true or false, got " + typeOf(n));
            }
            return n.booleanValue();
        });
    }

    long integer(String field, JsonNode n, long min, long max) {
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw invalid(field, "must be an integer from " + min + " to " + max + ", got " + typeOf(n));
        }
        long v = n.longValue();
        if (v < min || v > max) {
            throw invalid(field, "is " + v + "; it must be from " + min + " to " + max);
        }
        return v;
    }

    Optional<Long> optInteger(String field, long min, long max) {
        return node(field).map(n -> integer(field, n, min, max));
    }

    /** A string or an array of 1..maxItems strings, each checked by {@link #string}. */
    List<String> strings(String field, JsonNode n, int maxItems, int maxLen) {
        List<String> out = new ArrayList<>();
        if (n.isTextual()) {
            out.add(string(field, n, maxLen));
            return out;
        }
        if (!n.isArray()) {
            throw invalid(field, "must be a string or an array of strings, got " + typeOf(n));
        }
        if (n.isEmpty()) {
            throw invalid(field, "is an empty array");
        }
        if (n.size() > maxItems) {
            throw invalid(field, "has " + n.size() + " items; at most " + maxItems);
        }
        for (int i = 0; i < n.size(); i++) {
            out.add(string(field + "[" + i + "]", n.get(i), maxLen));
        }
        return out;
    }

    List<JsonNode> array(String field, JsonNode n, int maxItems) {
        if (!n.isArray()) {
            throw invalid(field, "must be an array, got " + typeOf(n));
        }
        if (n.size() > maxItems) {
            throw invalid(field, "has " + n.size() + " items; at most " + maxItems);
        }
        List<JsonNode> out = new ArrayList<>();
        n.forEach(out::add);
        return out;
    }

    /** A nested object, as a {@code Fields} whose messages name {@code key field}. */
    Fields nested(String field, JsonNode n, Set<String> allowed) {
        if (!n.isObject()) {
            throw invalid(field, "must be an object, got " + typeOf(n));
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw invalid(field, "has unknown field " + Names.shown(f) + "; allowed: "
                        + String.join(", ", new TreeSet<>(allowed)));
            }
        }
        return new Fields(key, n, prefix + field + ".");
    }

    static String typeOf(JsonNode n) {
        if (n == null || n.isMissingNode()) {
            return "nothing";
        }
        if (n.isTextual()) {
            return "a string";
        }
        if (n.isNumber()) {
            return "a number";
        }
        if (n.isBoolean()) {
            return "a boolean";
        }
        if (n.isNull()) {
            return "null";
        }
        if (n.isArray()) {
            return "an array";
        }
        if (n.isObject()) {
            return "an object";
        }
        return n.getNodeType().toString().toLowerCase(Locale.ROOT);
    }
}
