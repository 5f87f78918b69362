package dev.cscs.core.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.core.error.CscsException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * A strict JSON reader for everything that is signed or verified. Unlike a lenient parser it
 * rejects, with the line, column and JSON path of the problem:
 * <ul>
 *   <li>input that is not valid UTF-8, or starts with a byte-order mark;</li>
 *   <li>duplicate member names (two parsers could otherwise read different values);</li>
 *   <li>numbers that are not integers in canonical form within ±(2<sup>53</sup>−1), so that
 *       every number has exactly one JCS encoding;</li>
 *   <li>lone UTF-16 surrogates, which have no canonical form;</li>
 *   <li>nesting deeper than the limit, and trailing content.</li>
 * </ul>
 */
public final class StrictJson {
    /** The largest integer every JSON implementation represents exactly (I-JSON, RFC 7493). */
    public static final long MAX_SAFE_INTEGER = (1L << 53) - 1;
    private static final Pattern CANONICAL_INTEGER = Pattern.compile("-?(0|[1-9][0-9]*)");
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    private final JsonFactory factory;
    private final int maxDepth;

    private StrictJson(int maxDepth) {
        this.maxDepth = maxDepth;
        this.factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(maxDepth + 1)
                        .maxNumberLength(32)
                        .build())
                .build();
    }

    /** Parses {@code bytes} as one strict JSON document; {@code what} names it in errors. */
    public static JsonNode parse(byte[] bytes, int maxDepth, String what) {
        return new StrictJson(maxDepth).read(decodeUtf8(bytes, what), what);
    }

    private static String decodeUtf8(byte[] bytes, String what) {
        if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xef && (bytes[1] & 0xff) == 0xbb && (bytes[2] & 0xff) == 0xbf) {
            throw CscsException.malformed(what + ": starts with a UTF-8 byte-order mark; remove it");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw CscsException.malformed(what + ": not valid UTF-8");
        }
    }

    private JsonNode read(String text, String what) {
        JsonParser p;
        try {
            p = factory.createParser(text);
        } catch (IOException e) {
            throw CscsException.malformed(what + ": unreadable");
        }
        try (p) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw CscsException.malformed(what + ": empty document");
            }
            JsonNode root = value(p, first, "$", 0, what);
            JsonToken trailing = p.nextToken();
            if (trailing != null) {
                throw error(p, what, "$", "unexpected content after the end of the document");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw CscsException.malformed(what + ": invalid JSON at " + SyntaxErrors.explain(p, e));
        } catch (IOException e) {
            throw CscsException.malformed(what + ": unreadable");
        }
    }

    private JsonNode value(JsonParser p, JsonToken token, String path, int depth, String what) throws IOException {
        switch (token) {
            case START_OBJECT:
                return object(p, path, depth + 1, what);
            case START_ARRAY:
                return array(p, path, depth + 1, what);
            case VALUE_STRING:
                return NODES.textNode(checkString(p, p.getText(), path, what));
            case VALUE_NUMBER_INT:
                return integer(p, path, what);
            case VALUE_NUMBER_FLOAT:
                throw error(p, what, path, "number " + p.getText() + " is not an integer; write it as a string");
            case VALUE_TRUE:
                return NODES.booleanNode(true);
            case VALUE_FALSE:
                return NODES.booleanNode(false);
            case VALUE_NULL:
                return NODES.nullNode();
            default:
                throw error(p, what, path, "unexpected " + token);
        }
    }

    private ObjectNode object(JsonParser p, String path, int depth, String what) throws IOException {
        checkDepth(p, path, depth, what);
        ObjectNode node = NODES.objectNode();
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = checkString(p, p.currentName(), path, what);
            String childPath = path + "." + name;
            if (node.has(name)) {
                throw error(p, what, childPath, "duplicate member name \"" + name + "\"");
            }
            node.set(name, value(p, p.nextToken(), childPath, depth, what));
        }
        if (t != JsonToken.END_OBJECT) {
            throw error(p, what, path, "unterminated object");
        }
        return node;
    }

    private ArrayNode array(JsonParser p, String path, int depth, String what) throws IOException {
        checkDepth(p, path, depth, what);
        ArrayNode node = NODES.arrayNode();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == null) {
                throw error(p, what, path, "unterminated array");
            }
            node.add(value(p, t, path + "[" + node.size() + "]", depth, what));
        }
        return node;
    }

    private JsonNode integer(JsonParser p, String path, String what) throws IOException {
        String text = p.getText();
        if (!CANONICAL_INTEGER.matcher(text).matches() || text.equals("-0")) {
            throw error(p, what, path, "number " + text + " is not in canonical form");
        }
        if (text.length() > 17 || Math.abs(Long.parseLong(text)) > MAX_SAFE_INTEGER) {
            throw error(p, what, path, "number " + text + " is outside ±(2^53-1)");
        }
        return NODES.numberNode(Long.parseLong(text));
    }

    private void checkDepth(JsonParser p, String path, int depth, String what) {
        if (depth > maxDepth) {
            throw error(p, what, path, "nested deeper than " + maxDepth + " levels");
        }
    }

    private static String checkString(JsonParser p, String s, String path, String what) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    continue;
                }
                throw error(p, what, path, "string holds a lone UTF-16 surrogate");
            }
            if (Character.isLowSurrogate(c)) {
                throw error(p, what, path, "string holds a lone UTF-16 surrogate");
            }
        }
        return s;
    }

    private static CscsException error(JsonParser p, String what, String path, String why) {
        JsonLocation loc = p.currentLocation();
        return CscsException.malformed(what + ": line " + loc.getLineNr() + ", column " + loc.getColumnNr()
                + " (" + path + "): " + why);
    }
}
