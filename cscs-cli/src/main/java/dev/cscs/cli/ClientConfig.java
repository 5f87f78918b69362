package dev.cscs.cli;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.yaml.YNode;
import dev.cscs.core.yaml.YamlReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The client config file with named contexts, like a kubeconfig:
 * <pre>
 * current: prod
 * contexts:
 *   prod: {endpoints: [https://n1:7400, https://n2:7400], cacert: ca.pem, cert: me.pem, key: me.key, timeout: 10s}
 * </pre>
 * {@code $CSCS_CONFIG}, else {@code ~/.config/cscs/config.yaml}. Relative paths are resolved
 * against the file's directory. Every error names the file, line, column and key.
 */
final class ClientConfig {
    private static final Set<String> TOP = Set.of("current", "contexts");
    private static final Set<String> KEYS = Set.of("endpoints", "cacert", "cert", "key", "timeout");
    private final Path file;
    private final String current;
    private final Map<String, YNode> contexts;

    record Context(List<String> endpoints, Path cacert, Path cert, Path key, Duration timeout) {
    }

    private ClientConfig(Path file, String current, Map<String, YNode> contexts) {
        this.file = file;
        this.current = current;
        this.contexts = contexts;
    }

    static ClientConfig load(Map<String, String> env) {
        String explicit = env.get("CSCS_CONFIG");
        if (explicit != null && explicit.isBlank()) {
            explicit = null; // CSCS_CONFIG= (set but empty) means the default file, as if unset
        }
        Path file = explicit != null ? Path.of(explicit)
                : env.get("HOME") == null ? null : Path.of(env.get("HOME"), ".config", "cscs", "config.yaml");
        if (file == null || (explicit == null && !Files.exists(file))) {
            return new ClientConfig(file, null, Map.of());
        }
        String text = new String(CliFiles.read(file, YamlReader.MAX_CHARS), StandardCharsets.UTF_8);
        YNode root;
        try {
            root = YamlReader.read(text, file.toString());
        } catch (CscsException e) {
            throw bad(e.getMessage());
        }
        YNode.YMap top = map(root, "the file");
        unknownKeys(top, TOP, "");
        YNode cur = top.entries().get("current");
        YNode ctxs = top.entries().get("contexts");
        return new ClientConfig(file, cur == null ? null : scalar(cur, "current"),
                ctxs == null ? Map.of() : map(ctxs, "contexts").entries());
    }

    /** The named context, else {@code current}, else none. */
    Context context(String name) {
        String n = name != null ? name : current;
        if (n == null) {
            return null;
        }
        YNode c = contexts.get(n);
        if (c == null) {
            throw new CscsException(ErrorCode.USAGE, (file == null ? "client config" : file.toString()) + ": no context \"" + n
                    + "\"" + (contexts.isEmpty() ? "" : " (there are: " + String.join(", ", contexts.keySet()) + ")"));
        }
        String at = "contexts." + n;
        YNode.YMap m = map(c, at);
        unknownKeys(m, KEYS, at + ".");
        List<String> endpoints = new ArrayList<>();
        YNode e = m.entries().get("endpoints");
        if (e instanceof YNode.YSeq) {
            for (YNode item : ((YNode.YSeq) e).items()) {
                endpoints.add(scalar(item, at + ".endpoints[]"));
            }
        } else if (e != null) {
            endpoints.add(scalar(e, at + ".endpoints"));
        }
        return new Context(endpoints, path(m, "cacert", at), path(m, "cert", at), path(m, "key", at), timeout(m, at));
    }

    private static Duration timeout(YNode.YMap m, String at) {
        YNode t = m.entries().get("timeout");
        if (t == null) {
            return null;
        }
        try {
            return Connection.duration(scalar(t, at + ".timeout"), at + ".timeout");
        } catch (CscsException e) {
            throw e.code() == ErrorCode.BAD_CONFIG ? e : bad(t.where() + ": " + e.getMessage());
        }
    }

    private Path path(YNode.YMap m, String key, String at) {
        YNode v = m.entries().get(key);
        if (v == null) {
            return null;
        }
        Path p = Path.of(scalar(v, at + "." + key));
        return p.isAbsolute() || file.getParent() == null ? p : file.getParent().resolve(p);
    }

    /** A client config error: exit 1, the message names file, line, column and key. */
    private static CscsException bad(String message) {
        return new CscsException(ErrorCode.BAD_CONFIG, message);
    }

    private static void unknownKeys(YNode.YMap m, Set<String> allowed, String prefix) {
        m.entries().keySet().stream().filter(k -> !allowed.contains(k)).findFirst().ifPresent(k -> {
            throw bad(m.keyPositions().get(k) + ": unknown key \"" + prefix + k + "\" (allowed: "
                    + String.join(", ", new TreeSet<>(allowed)) + ")");
        });
    }

    private static YNode.YMap map(YNode n, String key) {
        if (!(n instanceof YNode.YMap)) {
            throw bad(n.where() + ": " + key + " must be a map");
        }
        return (YNode.YMap) n;
    }

    private static String scalar(YNode n, String key) {
        if (!(n instanceof YNode.YScalar) || ((YNode.YScalar) n).isNull()) {
            throw bad(n.where() + ": " + key + " must be a string");
        }
        return ((YNode.YScalar) n).text();
    }
}
