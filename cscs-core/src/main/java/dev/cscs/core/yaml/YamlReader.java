package dev.cscs.core.yaml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.json.StrictJson;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.common.ScalarStyle;

/**
 * Reads YAML (config files, policy files) safely: no tags, no duplicate keys, few aliases,
 * bounded size and depth; every node keeps its position for precise errors.
 */
public final class YamlReader {
    public static final int MAX_CHARS = 4 << 20;
    private static final int MAX_DEPTH = 40;
    private static final Pattern INTEGER = Pattern.compile("[-+]?(0|[1-9][0-9]*)");
    private static final Pattern FLOAT = Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\\.(inf|Inf|INF)|\\.nan|\\.NaN|\\.NAN");

    private YamlReader() {
    }

    /** Parses one YAML document; an empty document is an empty map. */
    public static YNode read(String text, String source) {
        Optional<Node> root = parse(text, source, () -> new Compose(settings(source)).composeString(text));
        if (root.isEmpty()) {
            return new YNode.YMap(Map.of(), Map.of(), new YNode.Where(source, 1, 1));
        }
        return convert(root.get(), source, 0);
    }

    /**
     * Parses a stream of documents separated by {@code ---} (e.g. one policy per domain). Lines
     * stay those of the whole file; an empty document (nothing between two separators, or
     * after the last) is skipped, and an error names the document by its 1-based index.
     */
    public static List<YNode> readAll(String text, String source) {
        int[] index = {1};
        try {
            return parse(text, source, () -> {
                List<YNode> docs = new ArrayList<>();
                // the iterator parses lazily: a syntax error surfaces while fetching the document it is in
                Iterator<Node> it = new Compose(settings(source)).composeAllFromString(text).iterator();
                for (; it.hasNext(); index[0]++) {
                    YNode doc = convert(it.next(), source, 0);
                    if (!(doc instanceof YNode.YScalar && ((YNode.YScalar) doc).isNull())) {
                        docs.add(doc);
                    }
                }
                return docs;
            });
        } catch (CscsException e) {
            throw new CscsException(e.code(), "document " + index[0] + ": " + e.getMessage());
        }
    }

    private static LoadSettings settings(String source) {
        return LoadSettings.builder().setLabel(source).setAllowDuplicateKeys(false)
                .setMaxAliasesForCollections(10).setAllowRecursiveKeys(false).setCodePointLimit(MAX_CHARS).build();
    }

    private static <T> T parse(String text, String source, Supplier<T> compose) {
        if (text.length() > MAX_CHARS) {
            throw new CscsException(ErrorCode.TOO_LARGE, source + ": larger than " + MAX_CHARS + " characters");
        }
        try {
            return compose.get();
        } catch (CscsException e) {
            throw e;
        } catch (MarkedYamlEngineException e) {
            Mark m = e.getProblemMark().orElse(e.getContextMark().orElse(null));
            String where = m == null ? source : source + ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1);
            String problem = e.getProblem() == null ? "invalid YAML" : e.getProblem();
            if (e.getContext() != null && e.getContext().contains("duplicate")) {
                problem = e.getContext() + "; " + problem;
            }
            throw CscsException.malformed(where + ": " + problem.trim());
        } catch (YamlEngineException e) {
            throw CscsException.malformed(source + ": " + e.getMessage());
        } catch (RuntimeException e) {
            // the parser throws plain IllegalArgumentExceptions for some input (e.g. a tag with spaces)
            throw CscsException.malformed(source + ": invalid YAML: " + e.getMessage());
        }
    }

    private static YNode convert(Node n, String source, int depth) {
        YNode.Where where = where(n, source);
        if (depth > MAX_DEPTH) {
            throw CscsException.malformed(where + ": nested deeper than " + MAX_DEPTH + " levels");
        }
        if (!n.getTag().getValue().startsWith("tag:yaml.org,2002:")) {
            throw CscsException.malformed(where + ": tag " + n.getTag().getValue() + " is not allowed");
        }
        if (n instanceof ScalarNode) {
            ScalarNode s = (ScalarNode) n;
            return new YNode.YScalar(s.getValue(), s.getScalarStyle() == ScalarStyle.PLAIN, where);
        }
        if (n instanceof SequenceNode) {
            List<YNode> items = new ArrayList<>();
            for (Node child : ((SequenceNode) n).getValue()) {
                items.add(convert(child, source, depth + 1));
            }
            return new YNode.YSeq(items, where);
        }
        Map<String, YNode> entries = new LinkedHashMap<>();
        Map<String, YNode.Where> keys = new LinkedHashMap<>();
        for (NodeTuple t : ((MappingNode) n).getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode)) {
                throw CscsException.malformed(where(t.getKeyNode(), source) + ": a key must be a plain string");
            }
            String key = ((ScalarNode) t.getKeyNode()).getValue();
            if (entries.containsKey(key)) {
                throw CscsException.malformed(where(t.getKeyNode(), source) + ": duplicate key \"" + key + "\"");
            }
            entries.put(key, convert(t.getValueNode(), source, depth + 1));
            keys.put(key, where(t.getKeyNode(), source));
        }
        return new YNode.YMap(entries, keys, where);
    }

    private static YNode.Where where(Node n, String source) {
        return n.getStartMark().map(m -> new YNode.Where(source, m.getLine() + 1, m.getColumn() + 1))
                .orElse(new YNode.Where(source, 0, 0));
    }

    /**
     * Converts to JSON as CSCS values are: strings, safe integers, booleans, null, objects
     * and arrays. Floats are refused (values carry numbers as strings, e.g. sysctl values).
     */
    public static JsonNode toJson(YNode n) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (n instanceof YNode.YMap) {
            ObjectNode o = f.objectNode();
            ((YNode.YMap) n).entries().forEach((k, v) -> o.set(k, toJson(v)));
            return o;
        }
        if (n instanceof YNode.YSeq) {
            ArrayNode a = f.arrayNode();
            ((YNode.YSeq) n).items().forEach(i -> a.add(toJson(i)));
            return a;
        }
        YNode.YScalar s = (YNode.YScalar) n;
        if (!s.plain()) {
            return f.textNode(s.text());
        }
        String t = s.text();
        if (s.isNull()) {
            return f.nullNode();
        }
        if (t.equals("true") || t.equals("True") || t.equals("TRUE")) {
            return f.booleanNode(true);
        }
        if (t.equals("false") || t.equals("False") || t.equals("FALSE")) {
            return f.booleanNode(false);
        }
        if (INTEGER.matcher(t).matches()) {
            String digits = t.startsWith("+") ? t.substring(1) : t;
            if (digits.length() > 17 || Math.abs(Long.parseLong(digits)) > StrictJson.MAX_SAFE_INTEGER) {
                throw CscsException.malformed(s.where() + ": number " + t + " is too large; quote it");
            }
            return f.numberNode(Long.parseLong(digits));
        }
        if (FLOAT.matcher(t).matches()) {
            throw CscsException.malformed(s.where() + ": " + t + " is not an integer; quote it to make it a string");
        }
        return f.textNode(t);
    }
}
