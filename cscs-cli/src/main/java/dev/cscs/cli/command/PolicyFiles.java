package dev.cscs.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.cli.CliFiles;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.error.IoFailure;
import dev.cscs.core.model.KeyPath;
import dev.cscs.core.model.Names;
import dev.cscs.core.yaml.YNode;
import dev.cscs.core.yaml.YamlReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The {@code -f} input of apply and diff: a file, a directory (its *.yaml and *.yml, sorted by
 * name, not recursive), or {@code -} for stdin; each file may hold several documents, one
 * domain each. A domain named twice is an error: which of the two would win is not obvious.
 */
final class PolicyFiles {
    /** The whole desired state of one domain, and where it was written. */
    record Policy(String domain, Map<String, JsonNode> entries, String where) {
    }

    private PolicyFiles() {
    }

    static List<Policy> read(Path arg, InputStream stdin) {
        Map<String, Policy> byDomain = new LinkedHashMap<>();
        for (Policy p : arg.toString().equals("-") ? parse(stdin(stdin), "<stdin>") : readPath(arg)) {
            Policy before = byDomain.putIfAbsent(p.domain(), p);
            if (before != null) {
                throw CscsException.malformed(p.where() + ": domain " + p.domain() + " is already given at " + before.where());
            }
        }
        if (byDomain.isEmpty()) {
            throw CscsException.malformed(arg + ": no policy document (a policy is a mapping with domain: and entries:)");
        }
        return new ArrayList<>(byDomain.values());
    }

    private static List<Policy> readPath(Path arg) {
        if (!Files.isDirectory(arg)) {
            return parse(new String(CliFiles.read(arg, YamlReader.MAX_CHARS), StandardCharsets.UTF_8), arg.toString());
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(arg)) {
            files = s.filter(f -> {
                String n = f.getFileName().toString();
                return (n.endsWith(".yaml") || n.endsWith(".yml")) && Files.isRegularFile(f);
            }).sorted().toList();
        } catch (IOException e) {
            throw IoFailure.of("list", arg, e);
        }
        if (files.isEmpty()) {
            throw CscsException.malformed(arg + ": the directory holds no *.yaml or *.yml file");
        }
        List<Policy> all = new ArrayList<>();
        files.forEach(f -> all.addAll(readPath(f)));
        return all;
    }

    private static String stdin(InputStream in) {
        try {
            byte[] b = in.readNBytes(YamlReader.MAX_CHARS * 4 + 1);
            if (b.length > YamlReader.MAX_CHARS * 4) {
                throw new CscsException(ErrorCode.TOO_LARGE, "<stdin>: more than " + YamlReader.MAX_CHARS * 4 + " bytes");
            }
            return new String(b, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CscsException(ErrorCode.IO, "cannot read stdin: " + e.getMessage());
        }
    }

    /** Parses every document of one source. */
    static List<Policy> parse(String text, String source) {
        List<YNode> docs = YamlReader.readAll(text, source);
        List<Policy> out = new ArrayList<>();
        for (int i = 0; i < docs.size(); i++) {
            String prefix = docs.size() > 1 ? "document " + (i + 1) + ": " : "";
            try {
                out.add(policy(docs.get(i)));
            } catch (CscsException e) {
                throw new CscsException(e.code(), prefix + e.getMessage());
            }
        }
        return out;
    }

    private static Policy policy(YNode root) {
        if (!(root instanceof YNode.YMap)) {
            throw CscsException.malformed(root.where() + ": a policy file is a mapping with domain: and entries:");
        }
        YNode.YMap m = (YNode.YMap) root;
        for (String k : m.entries().keySet()) {
            if (!k.equals("domain") && !k.equals("entries")) {
                throw CscsException.malformed(m.keyPositions().get(k) + ": unknown key " + Names.shown(k)
                        + " (a policy file has domain: and entries:)");
            }
        }
        YNode d = m.entries().get("domain");
        if (!(d instanceof YNode.YScalar)) {
            throw CscsException.malformed(m.where() + ": domain: is required");
        }
        String domain = ((YNode.YScalar) d).text();
        try {
            Names.checkDomain(domain);
        } catch (CscsException e) {
            throw CscsException.malformed(d.where() + ": " + e.getMessage());
        }
        Map<String, JsonNode> entries = new TreeMap<>();
        YNode e = m.entries().get("entries");
        if (e != null && !(e instanceof YNode.YScalar && ((YNode.YScalar) e).isNull())) {
            if (!(e instanceof YNode.YMap)) {
                throw CscsException.malformed(e.where() + ": entries: must be a mapping of KEY: VALUE");
            }
            YNode.YMap em = (YNode.YMap) e;
            for (Map.Entry<String, YNode> x : em.entries().entrySet()) {
                try {
                    KeyPath.parse(x.getKey());
                    entries.put(x.getKey(), YamlReader.toJson(x.getValue()));
                } catch (CscsException ex) {
                    throw CscsException.malformed(em.keyPositions().get(x.getKey()) + ": " + x.getKey() + ": " + ex.getMessage());
                }
            }
        }
        return new Policy(domain, entries, m.where().toString());
    }
}
