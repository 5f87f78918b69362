package dev.cscs.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.core.error.CscsException;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;

/** Small, strict accessors for reading a JSON tree into records; every error names the path. */
public final class JsonFields {
    private JsonFields() {
    }

    public static JsonNode object(JsonNode node, String path, Set<String> required, Set<String> optional) {
        if (node == null || !node.isObject()) {
            throw CscsException.malformed(path + ": must be a JSON object");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!required.contains(name) && !optional.contains(name)) {
                throw CscsException.malformed(path + ": unknown field \"" + Names.shown(name).replace("\"", "") + "\"");
            }
        }
        for (String name : required) {
            if (!node.has(name)) {
                throw CscsException.malformed(path + ": missing field \"" + name + "\"");
            }
        }
        return node;
    }

    /** The field names of {@code n} (none if it is not an object): for an object whose fields are names of the caller's choosing. */
    public static Set<String> fieldNames(JsonNode n) {
        Set<String> names = new HashSet<>();
        if (n != null && n.isObject()) {
            n.fieldNames().forEachRemaining(names::add);
        }
        return names;
    }

    public static String text(JsonNode node, String field, String path) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw CscsException.malformed(path + "." + field + ": must be a string");
        }
        return v.textValue();
    }

    public static long integer(JsonNode node, String field, String path) {
        JsonNode v = node.get(field);
        if (v == null || !v.isIntegralNumber()) {
            throw CscsException.malformed(path + "." + field + ": must be an integer");
        }
        return v.longValue();
    }

    public static boolean bool(JsonNode node, String field, String path, boolean dflt) {
        JsonNode v = node.get(field);
        if (v == null) {
            return dflt;
        }
        if (!v.isBoolean()) {
            throw CscsException.malformed(path + "." + field + ": must be true or false");
        }
        return v.booleanValue();
    }

    public static JsonNode array(JsonNode node, String field, String path) {
        JsonNode v = node.get(field);
        if (v == null || !v.isArray()) {
            throw CscsException.malformed(path + "." + field + ": must be an array");
        }
        return v;
    }
}
