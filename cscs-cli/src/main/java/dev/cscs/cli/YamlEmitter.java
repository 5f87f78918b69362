package dev.cscs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code -o yaml}: the JSON tree the printer already has, in block style. A string is written
 * plain only when YAML reads it back as that same string; else double-quoted (a JSON string
 * is a valid YAML double-quoted scalar), so {@code "true"}, {@code "42"} or {@code "a: b"} stay strings.
 */
final class YamlEmitter {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z_/.][A-Za-z0-9_./@+-]*(?: [A-Za-z0-9_./@+()-]+)*");
    private static final Pattern RESERVED = Pattern.compile(
            "(?i)~|null|true|false|yes|no|on|off|y|n|[-+]?(\\.[0-9]+|[0-9][0-9_]*(\\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\\.inf|\\.nan");

    private YamlEmitter() {
    }

    static String emit(JsonNode tree) {
        StringBuilder b = new StringBuilder();
        if (tree.isContainerNode() && tree.size() > 0) {
            block(tree, 0, b);
        } else {
            b.append(inline(tree)).append('\n');
        }
        return b.toString().stripTrailing();
    }

    private static void block(JsonNode n, int indent, StringBuilder b) {
        String pad = " ".repeat(indent);
        if (n.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                b.append(pad).append(string(e.getKey())).append(':');
                child(e.getValue(), indent + 2, b);
            }
        } else {
            for (JsonNode item : n) {
                b.append(pad).append('-');
                if (item.isContainerNode() && item.size() > 0) {
                    // the first entry goes on the dash's line, the rest under it
                    StringBuilder inner = new StringBuilder();
                    block(item, indent + 2, inner);
                    b.append(' ').append(inner.substring(indent + 2));
                } else {
                    b.append(' ').append(inline(item)).append('\n');
                }
            }
        }
    }

    private static void child(JsonNode v, int indent, StringBuilder b) {
        if (v.isContainerNode() && v.size() > 0) {
            b.append('\n');
            block(v, indent, b);
        } else {
            b.append(' ').append(inline(v)).append('\n');
        }
    }

    private static String inline(JsonNode n) {
        if (n.isObject()) {
            return "{}";
        }
        if (n.isArray()) {
            return "[]";
        }
        if (n.isTextual() || n.isBinary()) {
            return string(n.asText());
        }
        return n.isMissingNode() ? "null" : n.toString();
    }

    static String string(String s) {
        return SAFE.matcher(s).matches() && !RESERVED.matcher(s).matches() ? s : new TextNode(s).toString();
    }
}
