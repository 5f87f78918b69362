package dev.cscs.core.trust;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.model.Labels;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Which devices a domain binds to by label: {@code "selector": {"site": ["plant-b"], "hw":
 * ["rpi4", "rpi5"]}} matches a device whose every named label has one of the listed values.
 * A device subscribes to every domain whose selector matches it, besides those of its config.
 */
public record Selector(SortedMap<String, List<String>> match) {
    static final int MAX_VALUES = 64;

    public Selector {
        SortedMap<String, List<String>> copy = new TreeMap<>();
        match.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        match = Collections.unmodifiableSortedMap(copy);
    }

    public boolean matches(Labels labels) {
        for (Map.Entry<String, List<String>> e : match.entrySet()) {
            String v = labels.values().get(e.getKey());
            if (v == null || !e.getValue().contains(v)) {
                return false;
            }
        }
        return true;
    }

    public static Selector parse(JsonNode n, String path) {
        if (n == null || !n.isObject() || n.isEmpty()) {
            throw CscsException.malformed(path + ": must be an object of label names to arrays of values, e.g. {\"site\": [\"plant-b\"]}");
        }
        if (n.size() > Labels.MAX) {
            throw CscsException.malformed(path + ": more than " + Labels.MAX + " labels");
        }
        SortedMap<String, List<String>> out = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            Labels.checkKey(e.getKey(), path);
            String where = path + "." + e.getKey();
            if (!e.getValue().isArray() || e.getValue().isEmpty() || e.getValue().size() > MAX_VALUES) {
                throw CscsException.malformed(where + ": must be an array of 1 to " + MAX_VALUES + " label values");
            }
            LinkedHashSet<String> values = new LinkedHashSet<>();
            for (JsonNode v : e.getValue()) {
                if (!v.isTextual() || !values.add(Labels.checkValue(v.textValue(), where))) {
                    throw CscsException.malformed(where + ": holds a value twice or one that is not a string");
                }
            }
            out.put(e.getKey(), new ArrayList<>(values));
        }
        return new Selector(out);
    }

    public ObjectNode toTree() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        match.forEach((k, vs) -> vs.forEach(o.putArray(k)::add));
        return o;
    }

    /** {@code hw=rpi4|rpi5,site=plant-b}: the form {@code trust update --selector} takes. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        match.forEach((k, vs) -> b.append(b.length() == 0 ? "" : ",").append(k).append('=').append(String.join("|", vs)));
        return b.toString();
    }
}
