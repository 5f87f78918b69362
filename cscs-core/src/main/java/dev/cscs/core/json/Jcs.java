package dev.cscs.core.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.erdtman.jcs.JsonCanonicalizer;

/**
 * RFC 8785 JSON Canonicalization Scheme, by the Java port of the RFC author's reference
 * implementation ({@code io.github.erdtman:java-json-canonicalization}). It passes the RFC's
 * samples byte for byte ({@code JcsConformanceTest}); the newer titanium-jcs 1.1.1 did not.
 * Values reaching it have passed {@link StrictJson}, so every number is a safe integer and
 * has exactly one canonical form.
 */
public final class Jcs {
    private static final ObjectMapper PLAIN = new ObjectMapper();

    private Jcs() {
    }

    public static byte[] canonicalize(JsonNode node) {
        return canonicalString(node).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * {@code context || JCS(node)}: what a signature over {@code node} covers, with a context of
     * its own per kind of object, so that one kind's signature never passes as another's.
     */
    public static byte[] withContext(String context, JsonNode node) {
        byte[] ctx = context.getBytes(StandardCharsets.UTF_8);
        byte[] body = canonicalize(node);
        byte[] out = new byte[ctx.length + body.length];
        System.arraycopy(ctx, 0, out, 0, ctx.length);
        System.arraycopy(body, 0, out, ctx.length, body.length);
        return out;
    }

    public static String canonicalString(JsonNode node) {
        try {
            if (node.isContainerNode()) {
                return canonicalize(PLAIN.writeValueAsString(node));
            }
            // The reference implementation reads only objects and arrays at the top level.
            String inArray = canonicalize("[" + PLAIN.writeValueAsString(node) + "]");
            return inArray.substring(1, inArray.length() - 1);
        } catch (JsonProcessingException e) {
            throw new CscsException(ErrorCode.INTERNAL, "cannot serialize JSON for canonicalization", e);
        }
    }

    /** Canonicalizes JSON text; any valid JSON, including non-integer numbers. */
    public static String canonicalize(String json) {
        try {
            return new JsonCanonicalizer(json).getEncodedString();
        } catch (IOException | RuntimeException e) {
            throw CscsException.malformed("cannot canonicalize JSON: " + e.getMessage());
        }
    }
}
