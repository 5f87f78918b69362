package dev.cscs.core.model;

import dev.cscs.core.crypto.SignatureAlg;
import dev.cscs.core.error.CscsException;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * One signature on a changeset.
 *
 * @param keyid lowercase hex SHA-256 of the signer's DER SPKI
 * @param sig standard padded base64 of the raw signature
 */
public record Signature(String keyid, SignatureAlg alg, String sig) {
    private static final Pattern KEYID = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern BASE64 = Pattern.compile("(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?");
    /** Larger than any signature of an accepted key (RSA-8192 is 1024 bytes). */
    public static final int MAX_SIGNATURE_BYTES = 1024;

    public Signature {
        checkKeyId(keyid);
        if (alg == null) {
            throw CscsException.malformed("signature alg is missing");
        }
        if (sig == null || sig.isEmpty() || !BASE64.matcher(sig).matches()) {
            throw CscsException.malformed("signature by " + keyid + ": sig is not standard padded base64");
        }
        if (sig.length() > (MAX_SIGNATURE_BYTES / 3 + 1) * 4) {
            throw CscsException.malformed("signature by " + keyid + ": sig is longer than " + MAX_SIGNATURE_BYTES + " bytes");
        }
        // The decoder ignores the unused low bits of the last character; requiring the one
        // canonical spelling keeps a signature from having several encodings.
        if (!Base64.getEncoder().encodeToString(Base64.getDecoder().decode(sig)).equals(sig)) {
            throw CscsException.malformed("signature by " + keyid + ": sig is not canonical base64 (non-zero padding bits)");
        }
    }

    public static Signature of(String keyid, SignatureAlg alg, byte[] raw) {
        return new Signature(keyid, alg, Base64.getEncoder().encodeToString(raw));
    }

    public static String checkKeyId(String keyid) {
        if (keyid == null || !KEYID.matcher(keyid).matches()) {
            throw CscsException.malformed("keyid " + Names.shown(keyid) + " must be 64 lowercase hex digits (SHA-256 of the DER SPKI)");
        }
        return keyid;
    }

    public byte[] bytes() {
        return Base64.getDecoder().decode(sig);
    }
}
