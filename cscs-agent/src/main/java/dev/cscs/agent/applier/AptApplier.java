package dev.cscs.agent.applier;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.core.model.Names;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * {@code apt/<name>} → {@code etc/apt/sources.list.d/cscs-<name>.sources} (deb822), plus
 * {@code etc/apt/keyrings/cscs-<name>.asc} when {@code signedBy} holds a key.
 *
 * <p>deb822 fields are {@code Name: value} lines and a blank line ends a stanza, so every value
 * is one line of space-separated tokens from a narrow grammar. {@code Signed-By} names the key
 * file as the device sees it ({@code /etc/apt/keyrings/…}), whatever the root is. Options that
 * switch off verification ({@code trusted}, {@code allow-insecure}) are not accepted.
 */
final class AptApplier extends FileApplier {
    static final String SOURCES = "etc/apt/sources.list.d";
    static final String KEYRINGS = "etc/apt/keyrings";
    private static final Set<String> FIELDS = Set.of("types", "uris", "suites", "components", "signedBy",
            "architectures", "enabled");
    private static final Set<String> TYPES = Set.of("deb", "deb-src");
    private static final Set<String> SCHEMES = Set.of("http", "https", "file", "mirror+http", "mirror+https",
            "mirror+file", "tor+http", "tor+https");
    private static final Pattern SUITE = Pattern.compile("[A-Za-z0-9.][A-Za-z0-9._~+/-]{0,99}");
    private static final Pattern COMPONENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+/-]{0,99}");
    private static final Pattern ARCH = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

    @Override
    public String name() {
        return "apt";
    }

    @Override
    public void validate(String name, JsonNode value) {
        parse(name, value);
    }

    /** A checked entry: deb822 fields in file order, and the key packets if any. */
    record Source(Map<String, String> fields, byte[] key) {
    }

    Source parse(String name, JsonNode value) {
        String key = Fields.checkName(name(), name);
        if (name.indexOf(':') >= 0) {
            // apt silently skips sources.list.d files whose names have characters outside [A-Za-z0-9_.-]
            throw Fields.error(key, "key name contains ':'; apt ignores files whose names contain it");
        }
        if (value != null && value.isObject() && (value.has("trusted") || value.has("allowInsecure"))) {
            throw Fields.error(key, "field \"" + (value.has("trusted") ? "trusted" : "allowInsecure")
                    + "\" is not supported: it switches off apt's signature checks");
        }
        Fields f = Fields.of(name(), name, value, FIELDS);
        Map<String, String> out = new LinkedHashMap<>();
        List<String> types = f.strings("types", f.required("types"), 2, 8);
        for (String t : types) {
            if (!TYPES.contains(t)) {
                throw f.invalid("types", "has " + Names.shown(t) + "; allowed: deb, deb-src");
            }
        }
        out.put("Types", String.join(" ", types));
        List<String> uris = f.strings("uris", f.required("uris"), 16, Urls.MAX);
        for (int i = 0; i < uris.size(); i++) {
            Urls.check(f, "uris[" + i + "]", uris.get(i), SCHEMES, ",");
        }
        out.put("URIs", String.join(" ", uris));
        List<String> suites = tokens(f, "suites", f.required("suites"), 16, SUITE);
        out.put("Suites", String.join(" ", suites));
        long flat = suites.stream().filter(s -> s.endsWith("/")).count();
        if (flat != 0 && flat != suites.size()) {
            throw f.invalid("suites", "mixes flat suites (ending in '/') with normal ones; use two entries");
        }
        if (flat == 0) {
            out.put("Components", String.join(" ", tokens(f, "components", f.required("components"), 32, COMPONENT)));
        } else if (f.has("components")) {
            throw f.invalid("components", "must be left out for a flat suite (one ending in '/')");
        }
        f.node("architectures").ifPresent(n -> out.put("Architectures", String.join(" ", tokens(f, "architectures", n, 32, ARCH))));
        f.optBool("enabled").ifPresent(b -> out.put("Enabled", b ? "yes" : "no"));
        byte[] packets = null;
        if (f.has("signedBy")) {
            JsonNode k = f.required("signedBy");
            if (!k.isTextual()) {
                throw f.invalid("signedBy", "must be an ASCII-armored public key (a string), got " + Fields.typeOf(k));
            }
            packets = ArmoredKey.decode(f, "signedBy", k.textValue());
            out.put("Signed-By", "/" + keyPath(name));
        }
        return new Source(out, packets);
    }

    private static List<String> tokens(Fields f, String field, JsonNode n, int max, Pattern grammar) {
        List<String> list = f.strings(field, n, max, 100);
        for (int i = 0; i < list.size(); i++) {
            if (!grammar.matcher(list.get(i)).matches()) {
                throw f.invalid(field + "[" + i + "]", "is not a valid value: " + grammar.pattern());
            }
        }
        return list;
    }

    static String sourcesPath(String name) {
        return SOURCES + "/cscs-" + name + ".sources";
    }

    static String keyPath(String name) {
        return KEYRINGS + "/cscs-" + name + ".asc";
    }

    @Override
    Rendered render(List<DesiredEntry> desired, ApplyContext ctx) {
        TreeMap<String, Target> files = new TreeMap<>();
        for (DesiredEntry e : desired) {
            Source s = parse(e.name(), e.value());
            StringBuilder b = new StringBuilder(Managed.HEADER).append('\n');
            b.append("# Key: apt/").append(e.name()).append(" (domain ").append(e.domain()).append(")\n");
            s.fields().forEach((k, v) -> b.append(k).append(": ").append(v).append('\n'));
            files.put(sourcesPath(e.name()), new Content(b.toString()));
            if (s.key() != null) {
                // apt and gpg skip text before the BEGIN line, so the ownership header fits here too
                files.put(keyPath(e.name()), new Content(Managed.HEADER + "\n" + ArmoredKey.armor(s.key())));
            }
        }
        return new Rendered(files, List.of());
    }

    @Override
    List<String> candidates(List<DesiredEntry> desired, ApplyContext ctx) {
        // sources before keys: a removed stanza never points at a key that is already gone
        List<String> out = new ArrayList<>(Managed.list(ctx, SOURCES, "cscs-", ".sources"));
        out.addAll(Managed.list(ctx, KEYRINGS, "cscs-", ".asc"));
        return out;
    }
}
