package dev.cscs.core.json;

import com.apicatalog.jcs.JsonCanonicalizer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * RFC 8785 JSON Canonicalization Scheme, by a maintained implementation (Titanium JCS over
 * Jakarta JSON-P). Values reaching it have passed {@link StrictJson}, so every number is a
 * safe integer and the canonical form is exact.
 */
public final class Jcs {
    private static final JsonProvider JSON = JsonProvider.provider();

    private Jcs() {
    }

    public static byte[] canonicalize(JsonNode node) {
        return JsonCanonicalizer.canonize(toJsonP(node)).getBytes(StandardCharsets.UTF_8);
    }

    public static String canonicalString(JsonNode node) {
        return JsonCanonicalizer.canonize(toJsonP(node));
    }

    /** Canonicalizes JSON text; any valid JSON, including non-integer numbers (used by conformance tests). */
    public static String canonicalize(String json) {
        try (JsonReader reader = JSON.createReader(new StringReader(json))) {
            return JsonCanonicalizer.canonize(reader.readValue());
        } catch (RuntimeException e) {
            throw CscsException.malformed("cannot canonicalize JSON: " + e.getMessage());
        }
    }

    private static JsonValue toJsonP(JsonNode node) {
        switch (node.getNodeType()) {
            case OBJECT: {
                JsonObjectBuilder b = JSON.createObjectBuilder();
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    b.add(e.getKey(), toJsonP(e.getValue()));
                }
                return b.build();
            }
            case ARRAY: {
                JsonArrayBuilder b = JSON.createArrayBuilder();
                node.forEach(child -> b.add(toJsonP(child)));
                return b.build();
            }
            case STRING:
                return JSON.createValue(node.textValue());
            case NUMBER:
                if (!node.canConvertToExactIntegral() || !node.canConvertToLong()) {
                    throw new CscsException(ErrorCode.INTERNAL, "non-integer number reached canonicalization");
                }
                return JSON.createValue(node.longValue());
            case BOOLEAN:
                return node.booleanValue() ? JsonValue.TRUE : JsonValue.FALSE;
            case NULL:
                return JsonValue.NULL;
            default:
                throw new CscsException(ErrorCode.INTERNAL, "unsupported JSON node " + node.getNodeType());
        }
    }
}
