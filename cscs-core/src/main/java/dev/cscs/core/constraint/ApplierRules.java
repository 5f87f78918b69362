package dev.cscs.core.constraint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.model.JsonFields;
import dev.cscs.core.model.Names;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The constraints on one applier's values in a domain. Each part is optional:
 * {@code names} (globs the key name must match), {@code fields} (per field path, the values
 * allowed and whether it must be there), {@code urlPrefixes} (where every URL in the value must
 * start) and, for the firewall, {@code keepAccepting} (traffic each value must still accept).
 */
public record ApplierRules(List<String> names, List<FieldRule> fields, List<String> urlPrefixes,
                           List<KeepAccepting> keepAccepting) {
    static final int MAX_ITEMS = 64;
    private static final Pattern GLOB = Pattern.compile("[A-Za-z0-9._:*-]{1,128}");
    /** A scheme, "://", a host, then a path ending in '/': without the slash, https://a.example would allow https://a.example.evil/. */
    private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9+.-]*://[^\\s/]*/(\\S*/)?");
    /** A token that a package tool would take as a URL: a scheme followed by a slash. */
    private static final Pattern URL_LIKE = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:/.*");

    public ApplierRules {
        names = List.copyOf(names);
        fields = List.copyOf(fields);
        urlPrefixes = List.copyOf(urlPrefixes);
        keepAccepting = List.copyOf(keepAccepting);
    }

    static ApplierRules parse(String applier, JsonNode n, String path) {
        JsonFields.object(n, path, Set.of(), Set.of("names", "fields", "urlPrefixes", "keepAccepting"));
        if (n.isEmpty()) {
            throw CscsException.malformed(path + ": empty; give names, fields, urlPrefixes or keepAccepting");
        }
        List<String> names = strings(n, "names", path, GLOB, "a key-name glob: letters, digits, ._:- and *");
        List<String> prefixes = strings(n, "urlPrefixes", path, PREFIX,
                "a URL prefix with a scheme, a host and a path ending in '/', e.g. https://mirror.example/");
        List<FieldRule> fields = new ArrayList<>();
        if (n.has("fields")) {
            JsonNode f = n.get("fields");
            if (!f.isObject() || f.isEmpty() || f.size() > MAX_ITEMS) {
                throw CscsException.malformed(path + ".fields: must be an object of 1 to " + MAX_ITEMS + " field paths");
            }
            for (Map.Entry<String, JsonNode> e : f.properties()) {
                fields.add(FieldRule.parse(e.getKey(), e.getValue(), path + ".fields." + e.getKey()));
            }
        }
        List<KeepAccepting> keep = new ArrayList<>();
        if (n.has("keepAccepting")) {
            if (!"firewall".equals(applier)) {
                throw CscsException.malformed(path + ".keepAccepting: only the firewall applier has it");
            }
            JsonNode a = JsonFields.array(n, "keepAccepting", path);
            if (a.isEmpty() || a.size() > MAX_ITEMS) {
                throw CscsException.malformed(path + ".keepAccepting: must hold 1 to " + MAX_ITEMS + " items");
            }
            for (int i = 0; i < a.size(); i++) {
                keep.add(KeepAccepting.parse(a.get(i), path + ".keepAccepting[" + i + "]"));
            }
        }
        return new ApplierRules(names, fields, prefixes, keep);
    }

    private static List<String> strings(JsonNode n, String field, String path, Pattern grammar, String what) {
        if (!n.has(field)) {
            return List.of();
        }
        JsonNode a = JsonFields.array(n, field, path);
        if (a.isEmpty() || a.size() > MAX_ITEMS) {
            throw CscsException.malformed(path + "." + field + ": must hold 1 to " + MAX_ITEMS + " items");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            JsonNode s = a.get(i);
            if (!s.isTextual() || s.textValue().length() > 512 || !grammar.matcher(s.textValue()).matches()) {
                throw CscsException.malformed(path + "." + field + "[" + i + "]: "
                        + (s.isTextual() ? Names.shown(s.textValue()) : "a " + s.getNodeType().name().toLowerCase()) + " is not " + what);
            }
            out.add(s.textValue());
        }
        return out;
    }

    ObjectNode toTree() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        if (!names.isEmpty()) {
            names.forEach(o.putArray("names")::add);
        }
        if (!fields.isEmpty()) {
            ObjectNode f = o.putObject("fields");
            fields.forEach(r -> f.set(r.path(), r.toTree()));
        }
        if (!urlPrefixes.isEmpty()) {
            urlPrefixes.forEach(o.putArray("urlPrefixes")::add);
        }
        if (!keepAccepting.isEmpty()) {
            keepAccepting.forEach(k -> o.withArray("keepAccepting").add(k.toTree()));
        }
        return o;
    }

    void describe(String applier, Map<String, String> out) {
        if (!names.isEmpty()) {
            out.put(applier + ".names", "key names matching " + String.join(", ", names));
        }
        fields.forEach(f -> out.put(applier + ".fields." + f.path(), f.describe()));
        if (!urlPrefixes.isEmpty()) {
            out.put(applier + ".urlPrefixes", "URLs starting with " + String.join(", ", urlPrefixes));
        }
        for (int i = 0; i < keepAccepting.size(); i++) {
            out.put(applier + ".keepAccepting[" + i + "]", "each value keeps accepting " + keepAccepting.get(i).traffic());
        }
    }

    List<Violation> check(String key, String name, JsonNode value) {
        String applier = key.substring(0, key.indexOf('/'));
        List<Violation> out = new ArrayList<>();
        if (!names.isEmpty() && names.stream().noneMatch(g -> globMatches(g, name))) {
            out.add(new Violation(key, applier + ".names", "the name " + name + " matches none of " + names));
        }
        for (FieldRule f : fields) {
            f.check(value).ifPresent(why -> out.add(new Violation(key, applier + ".fields." + f.path(), why)));
        }
        if (!urlPrefixes.isEmpty()) {
            Map<String, String> urls = new LinkedHashMap<>();
            urls(value, "", urls);
            urls.forEach((where, url) -> {
                if (urlPrefixes.stream().noneMatch(url::startsWith)) {
                    out.add(new Violation(key, applier + ".urlPrefixes", where + " is " + Names.shown(url)
                            + ", which starts with none of " + urlPrefixes));
                }
            });
        }
        for (int i = 0; i < keepAccepting.size(); i++) {
            int at = i;
            keepAccepting.get(i).check(value).ifPresent(why ->
                    out.add(new Violation(key, applier + ".keepAccepting[" + at + "]", why)));
        }
        return out;
    }

    /** {@code *} stands for any run of characters; everything else is literal. */
    static boolean globMatches(String glob, String name) {
        String re = Arrays.stream(glob.split("\\*", -1)).map(Pattern::quote).collect(Collectors.joining(".*"));
        return Pattern.compile(re, Pattern.DOTALL).matcher(name).matches();
    }

    /**
     * Every URL-like token in any string of the value, by where it is. An ASCII-armored key
     * (apt's signedBy) is data, not a place to fetch from, so its comment lines are not read.
     */
    private static void urls(JsonNode n, String where, Map<String, String> out) {
        if (n.isTextual()) {
            String s = n.textValue();
            if (s.startsWith("-----BEGIN ")) {
                return;
            }
            String[] tokens = s.trim().split("[\\s,]+");
            for (int i = 0; i < tokens.length; i++) {
                if (URL_LIKE.matcher(tokens[i]).matches()) {
                    out.put(tokens.length == 1 ? where : where + " (URL " + (i + 1) + ")", tokens[i]);
                }
            }
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                urls(n.get(i), where + "[" + i + "]", out);
            }
        } else if (n.isObject()) {
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                urls(e.getValue(), where.isEmpty() ? e.getKey() : where + "." + e.getKey(), out);
            }
        }
    }
}
