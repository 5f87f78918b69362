package dev.cscs.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.core.error.CscsException;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A device's labels, e.g. {@code site=plant-b, hw=rpi4, ring=canary}: set at provisioning (in the
 * signed join token) and changed by a signed {@code _nodes} record. Trust policy selectors pick
 * domains by them, so a label is as much a decision as a domain list: only operators sign them.
 */
public record Labels(SortedMap<String, String> values) {
    public static final Labels NONE = new Labels(new TreeMap<>());
    public static final int MAX = 32;
    static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    static final Pattern VALUE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    public Labels {
        values = Collections.unmodifiableSortedMap(new TreeMap<>(values));
    }

    public static String checkKey(String k, String where) {
        if (k == null || !KEY.matcher(k).matches()) {
            throw CscsException.malformed(where + ": label " + Names.shown(k) + " is not a label name: [a-z0-9][a-z0-9._-]{0,62}");
        }
        return k;
    }

    public static String checkValue(String v, String where) {
        if (v == null || !VALUE.matcher(v).matches()) {
            throw CscsException.malformed(where + ": " + Names.shown(v) + " is not a label value: [A-Za-z0-9][A-Za-z0-9._-]{0,62}");
        }
        return v;
    }

    /** {@code {"site": "plant-b", ...}}; every error names {@code path}. */
    public static Labels parse(JsonNode n, String path) {
        if (n == null || !n.isObject()) {
            throw CscsException.malformed(path + ": must be an object of label names to values");
        }
        if (n.size() > MAX) {
            throw CscsException.malformed(path + ": more than " + MAX + " labels");
        }
        SortedMap<String, String> out = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            checkKey(e.getKey(), path);
            if (!e.getValue().isTextual()) {
                throw CscsException.malformed(path + "." + e.getKey() + ": must be a string");
            }
            out.put(e.getKey(), checkValue(e.getValue().textValue(), path + "." + e.getKey()));
        }
        return new Labels(out);
    }

    /** {@code site=plant-b,ring=canary}, as the CLI takes them. */
    public static Labels parseArg(String arg, String option) {
        SortedMap<String, String> out = new TreeMap<>();
        if (arg != null && !arg.isBlank()) {
            for (String kv : arg.split(",", -1)) {
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw CscsException.malformed(option + ": " + Names.shown(kv) + " is not NAME=VALUE");
                }
                String k = checkKey(kv.substring(0, eq), option);
                if (out.put(k, checkValue(kv.substring(eq + 1), option + " " + k)) != null) {
                    throw CscsException.malformed(option + ": label " + k + " is given twice");
                }
            }
        }
        if (out.size() > MAX) {
            throw CscsException.malformed(option + ": more than " + MAX + " labels");
        }
        return new Labels(out);
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    public ObjectNode toTree() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        values.forEach(o::put);
        return o;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        values.forEach((k, v) -> b.append(b.length() == 0 ? "" : ",").append(k).append('=').append(v));
        return b.toString();
    }
}
