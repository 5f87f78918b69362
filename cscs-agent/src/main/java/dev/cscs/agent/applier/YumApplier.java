package dev.cscs.agent.applier;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * {@code yum/<repoid>} → {@code etc/yum.repos.d/cscs-<repoid>.repo}, one INI section per file.
 *
 * <p>Every value is rendered after {@code option=} on its own line, so injection needs a line
 * break, which {@link Fields} refuses everywhere. URLs also refuse commas and whitespace: dnf
 * splits list options on both, so one URL could otherwise become two. {@code gpgcheck}
 * defaults to on (dnf's built-in default is off).
 */
final class YumApplier extends FileApplier {
    static final String DIR = "etc/yum.repos.d";
    private static final Set<String> SCHEMES = Set.of("http", "https", "ftp", "file");
    private static final List<String> SOURCES = List.of("baseurl", "metalink", "mirrorlist");
    private static final List<String> BOOLEANS = List.of("enabled", "gpgcheck", "repo_gpgcheck", "sslverify",
            "skip_if_unavailable", "module_hotfixes", "countme");
    private static final Set<String> FIELDS = Set.of("name", "baseurl", "metalink", "mirrorlist", "enabled", "gpgcheck",
            "gpgkey", "repo_gpgcheck", "sslverify", "skip_if_unavailable", "module_hotfixes", "countme", "priority",
            "cost", "metadata_expire", "exclude", "includepkgs");
    private static final Pattern EXPIRE = Pattern.compile("(0|[1-9][0-9]{0,8})[smhd]?|never|-1");
    private static final Pattern PACKAGE_GLOB = Pattern.compile("[A-Za-z0-9._+*?~:-]{1,128}");

    @Override
    public String name() {
        return "yum";
    }

    @Override
    public void validate(String name, JsonNode value) {
        options(name, value);
    }

    /** The repo's options in file order, rendered as dnf reads them. */
    Map<String, String> options(String name, JsonNode value) {
        Fields f = Fields.of(name(), name, value, FIELDS);
        Map<String, String> o = new LinkedHashMap<>();
        o.put("name", f.optString("name", 200).orElse(name));
        List<String> given = new ArrayList<>();
        for (String s : SOURCES) {
            if (f.has(s)) {
                given.add(s);
            }
        }
        if (given.size() != 1) {
            throw Fields.error(f.key(), "exactly one of baseurl, metalink, mirrorlist is required; "
                    + (given.isEmpty() ? "found none" : "found " + String.join(" and ", given)));
        }
        String source = given.get(0);
        int maxUrls = source.equals("baseurl") ? 16 : 1;
        o.put(source, String.join(" ", urls(f, source, maxUrls)));
        for (String b : BOOLEANS) {
            Optional<Boolean> v = f.optBool(b);
            if (v.isPresent()) {
                o.put(b, v.get() ? "1" : "0");
            } else if (b.equals("enabled") || b.equals("gpgcheck")) {
                // always written, on by default: the secure default must not depend on dnf.conf
                o.put(b, "1");
            }
        }
        if (f.has("gpgkey")) {
            o.put("gpgkey", String.join(" ", urls(f, "gpgkey", 16)));
        }
        f.optInteger("priority", 1, 99).ifPresent(v -> o.put("priority", Long.toString(v)));
        f.optInteger("cost", 0, 1_000_000).ifPresent(v -> o.put("cost", Long.toString(v)));
        f.node("metadata_expire").ifPresent(n -> o.put("metadata_expire", expire(f, n)));
        for (String list : List.of("exclude", "includepkgs")) {
            f.node(list).ifPresent(n -> {
                List<String> globs = f.strings(list, n, 64, 128);
                for (int i = 0; i < globs.size(); i++) {
                    if (!PACKAGE_GLOB.matcher(globs.get(i)).matches()) {
                        throw f.invalid(list + "[" + i + "]", "is not a package name or glob: letters, digits and ._+*?~:-");
                    }
                }
                o.put(list, String.join(" ", globs));
            });
        }
        return o;
    }

    private static List<String> urls(Fields f, String field, int max) {
        List<String> urls = f.strings(field, f.required(field), max, Urls.MAX);
        for (int i = 0; i < urls.size(); i++) {
            String where = urls.size() == 1 && f.required(field).isTextual() ? field : field + "[" + i + "]";
            String u = urls.get(i);
            if (u.indexOf(',') >= 0) {
                throw f.invalid(where, "contains ','; dnf splits list options on commas, so it would read two URLs");
            }
            // $ and {} for $releasever / ${basearch}, which dnf substitutes
            Urls.check(f, where, u, SCHEMES, "${}");
        }
        return urls;
    }

    private static String expire(Fields f, JsonNode n) {
        if (n.isIntegralNumber()) {
            return Long.toString(f.integer("metadata_expire", n, -1, 999_999_999));
        }
        String s = f.string("metadata_expire", n, 16);
        if (!EXPIRE.matcher(s).matches()) {
            throw f.invalid("metadata_expire", "must be seconds, or a number with s, m, h or d, or never or -1; got " + s);
        }
        return s;
    }

    static String path(String name) {
        return DIR + "/cscs-" + name + ".repo";
    }

    @Override
    Rendered render(List<DesiredEntry> desired, ApplyContext ctx) {
        TreeMap<String, Target> files = new TreeMap<>();
        for (DesiredEntry e : desired) {
            StringBuilder b = new StringBuilder();
            b.append(Managed.HEADER).append('\n');
            b.append("# Key: yum/").append(e.name()).append(" (domain ").append(e.domain()).append(")\n");
            b.append('[').append(e.name()).append("]\n");
            options(e.name(), e.value()).forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
            files.put(path(e.name()), new Content(b.toString()));
        }
        return new Rendered(files, List.of());
    }

    @Override
    List<String> candidates(List<DesiredEntry> desired, ApplyContext ctx) {
        return Managed.list(ctx, DIR, "cscs-", ".repo");
    }
}
