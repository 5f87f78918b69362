package dev.cscs.server.config;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.yaml.YNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One mapping of the config file, read key by key. Every error names the file, line,
 * column and dotted key; keys nobody read are reported as unknown (usually a typo).
 */
final class Section {
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m|h)");
    private final YNode.YMap map;
    private final String path;
    private final Set<String> read = new HashSet<>();

    Section(YNode node, String path) {
        if (!(node instanceof YNode.YMap)) {
            throw fail(node, path, "must be a mapping (key: value)");
        }
        this.map = (YNode.YMap) node;
        this.path = path;
    }

    static CscsException fail(YNode node, String key, String why) {
        return new CscsException(ErrorCode.BAD_CONFIG, node.where() + ": " + key + ": " + why);
    }

    /** The mapping itself, for errors about the section as a whole. */
    YNode self() {
        return map;
    }

    private String key(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    boolean has(String name) {
        read.add(name);
        YNode n = map.entries().get(name);
        return n != null && !(n instanceof YNode.YScalar && ((YNode.YScalar) n).isNull());
    }

    YNode node(String name) {
        read.add(name);
        return map.entries().get(name);
    }

    Section section(String name) {
        return has(name) ? new Section(node(name), key(name)) : null;
    }

    String string(String name, String dflt) {
        if (!has(name)) {
            return dflt;
        }
        YNode n = node(name);
        if (!(n instanceof YNode.YScalar)) {
            throw fail(n, key(name), "must be a single value");
        }
        return ((YNode.YScalar) n).text();
    }

    String required(String name) {
        if (!has(name)) {
            throw new CscsException(ErrorCode.BAD_CONFIG, map.where() + ": " + key(name) + ": is required");
        }
        return string(name, null);
    }

    <T> T parsed(String name, String dflt, Function<String, T> parse) {
        String s = string(name, dflt);
        if (s == null) {
            return null;
        }
        try {
            return parse.apply(s);
        } catch (CscsException | IllegalArgumentException e) {
            throw fail(has(name) ? node(name) : map, key(name), e.getMessage());
        }
    }

    boolean bool(String name, boolean dflt) {
        String s = string(name, null);
        if (s == null) {
            return dflt;
        }
        if (s.equals("true") || s.equals("false")) {
            return Boolean.parseBoolean(s);
        }
        throw fail(node(name), key(name), "\"" + s + "\" is not true or false");
    }

    long number(String name, long dflt, long min, long max) {
        String s = string(name, null);
        if (s == null) {
            return dflt;
        }
        try {
            long v = Long.parseLong(s);
            if (v < min || v > max) {
                throw fail(node(name), key(name), v + " is outside " + min + ".." + max);
            }
            return v;
        } catch (NumberFormatException e) {
            throw fail(node(name), key(name), "\"" + s + "\" is not a whole number");
        }
    }

    Duration duration(String name, Duration dflt) {
        String s = string(name, null);
        if (s == null) {
            return dflt;
        }
        Matcher m = DURATION.matcher(s);
        if (!m.matches()) {
            throw fail(node(name), key(name), "\"" + s + "\" is not a duration like 60s, 500ms, 5m or 1h");
        }
        long v = Long.parseLong(m.group(1));
        switch (m.group(2)) {
            case "ms": return Duration.ofMillis(v);
            case "s": return Duration.ofSeconds(v);
            case "m": return Duration.ofMinutes(v);
            default: return Duration.ofHours(v);
        }
    }

    /** A duration within {@code min..max}. */
    Duration duration(String name, Duration dflt, Duration min, Duration max) {
        Duration v = duration(name, dflt);
        if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
            throw fail(node(name), key(name), string(name, null) + " is outside " + min.toMillis() + "ms.." + max.toMillis() + "ms");
        }
        return v;
    }

    Path path(String name, String dflt) {
        String s = string(name, dflt);
        if (s == null) {
            return null;
        }
        if (s.isBlank() || s.indexOf('\0') >= 0) {
            throw fail(has(name) ? node(name) : map, key(name), "is not a usable path");
        }
        return Path.of(s);
    }

    List<String> strings(String name, List<String> dflt) {
        if (!has(name)) {
            return dflt;
        }
        YNode n = node(name);
        if (!(n instanceof YNode.YSeq)) {
            throw fail(n, key(name), "must be a list, e.g. [a, b]");
        }
        List<String> out = new ArrayList<>();
        List<YNode> items = ((YNode.YSeq) n).items();
        for (int i = 0; i < items.size(); i++) {
            if (!(items.get(i) instanceof YNode.YScalar)) {
                throw fail(items.get(i), key(name) + "[" + i + "]", "must be a single value");
            }
            out.add(((YNode.YScalar) items.get(i)).text());
        }
        return out;
    }

    <T> List<T> parsedList(String name, List<T> dflt, Function<String, T> parse) {
        List<String> raw = strings(name, null);
        if (raw == null) {
            return dflt;
        }
        List<T> out = new ArrayList<>();
        List<YNode> items = ((YNode.YSeq) node(name)).items();
        for (int i = 0; i < raw.size(); i++) {
            try {
                out.add(parse.apply(raw.get(i)));
            } catch (CscsException | IllegalArgumentException e) {
                throw fail(items.get(i), key(name) + "[" + i + "]", e.getMessage());
            }
        }
        return out;
    }

    /** Fails on keys nobody asked for: a misspelled key must not be silently ignored. */
    void noOthers() {
        for (String k : map.entries().keySet()) {
            if (!read.contains(k)) {
                YNode.Where w = map.keyPositions().get(k);
                throw new CscsException(ErrorCode.BAD_CONFIG, w + ": " + key(k) + ": unknown key (known here: "
                        + new TreeSet<>(read) + ")");
            }
        }
    }
}
