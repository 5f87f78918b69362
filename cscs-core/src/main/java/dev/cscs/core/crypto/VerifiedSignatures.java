package dev.cscs.core.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The signatures this process found valid, most recent first, so that a changeset checked at the
 * API, again when the leader proposes it, and again when it is applied costs one verification
 * (issue 12: a signature took 4-6 in one process). A signature is valid or not whatever asks, so
 * remembering the answer is safe when the key of the memory covers all that decides it: the
 * algorithm, the key, the payload and the signature, hashed with SHA-256 (a collision would be
 * needed to reuse an answer for other input). Only successes are kept: a forged signature is
 * verified, and refused, every time, and cannot push out the valid ones faster than it is checked.
 */
final class VerifiedSignatures {
    interface Verifier {
        boolean verify(PublicKeyRef key, SignatureAlg alg, byte[] payload, byte[] sig);
    }

    private final Map<ByteBuffer, Boolean> valid;

    VerifiedSignatures(int capacity) {
        this.valid = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    boolean verify(PublicKeyRef key, SignatureAlg alg, byte[] payload, byte[] sig, Verifier verifier) {
        ByteBuffer id = id(key, alg, payload, sig);
        synchronized (valid) {
            if (valid.get(id) != null) {
                return true;
            }
        }
        // outside the lock: verifications of different signatures run in parallel
        if (!verifier.verify(key, alg, payload, sig)) {
            return false;
        }
        synchronized (valid) {
            valid.put(id, Boolean.TRUE);
        }
        return true;
    }

    private static ByteBuffer id(PublicKeyRef key, SignatureAlg alg, byte[] payload, byte[] sig) {
        MessageDigest h = sha256();
        part(h, alg.wireName().getBytes(StandardCharsets.US_ASCII));
        part(h, key.spki());
        part(h, payload);
        part(h, sig);
        return ByteBuffer.wrap(h.digest());
    }

    /** Length-prefixed, so that no two different tuples hash the same bytes. */
    private static void part(MessageDigest h, byte[] b) {
        h.update(ByteBuffer.allocate(4).putInt(b.length).array());
        h.update(b);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
