package dev.cscs.core.model;

import dev.cscs.core.error.CscsException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** A SHA-256 digest, written {@code sha256:<64 lowercase hex>}. */
public record Digest(String hex) {
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
    public static final Digest ZERO = new Digest("0".repeat(64));

    public Digest {
        if (hex == null || !HEX64.matcher(hex).matches()) {
            throw CscsException.malformed("digest must be 64 lowercase hex digits");
        }
    }

    public static Digest parse(String s) {
        if (s == null || !s.startsWith("sha256:")) {
            throw CscsException.malformed("digest " + Names.shown(s) + " must be written sha256:<64 lowercase hex>");
        }
        String hex = s.substring("sha256:".length());
        if (!HEX64.matcher(hex).matches()) {
            throw CscsException.malformed("digest " + Names.shown(s) + " must be written sha256:<64 lowercase hex>");
        }
        return new Digest(hex);
    }

    public static Digest of(byte[] data) {
        return new Digest(HexFormat.of().formatHex(sha256(data)));
    }

    public static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    /** Constant-time comparison, for where a digest guards something. */
    public boolean matches(Digest other) {
        return other != null && MessageDigest.isEqual(hex.getBytes(StandardCharsets.US_ASCII),
                other.hex.getBytes(StandardCharsets.US_ASCII));
    }

    /** The first 12 hex digits, for humans. */
    public String shortForm() {
        return hex.substring(0, 12);
    }

    @Override
    public String toString() {
        return "sha256:" + hex;
    }
}
