package dev.cscs.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cscs.core.crypto.KeyGen;
import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.json.StrictJson;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Head;
import dev.cscs.core.trust.Freshness;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * A freshness record with any span of its JSON replaced by any text ends in a typed
 * {@code malformed} error, or in a record that round-trips through its JSON; and one that still
 * verifies under the signer's key says exactly what was signed: the same node, time and heads.
 * Input: two bytes (where the span starts, how long it is), then the replacement text.
 */
class FreshnessFuzzTest {
    private static final PrivateKeyRef KEY = KeyGen.generate("ed25519");
    private static final Freshness SIGNED = Freshness.sign(KEY, "n1", Instant.parse("2026-12-06T21:00:00.123Z"),
            Map.of("_trust", new Head(2, Digest.of(new byte[] {1})), "global", new Head(7, Digest.of(new byte[] {2}))));
    private static final String JSON = SIGNED.toJson().toString();

    @FuzzTest(maxDuration = "60s")
    void mutateFreshness(byte[] input) {
        if (input.length < 2) {
            return;
        }
        int start = (input[0] & 0xff) * JSON.length() / 256;
        int end = Math.min(JSON.length(), start + (input[1] & 0xff) % 48);
        String text = JSON.substring(0, start) + new String(input, 2, input.length - 2, StandardCharsets.UTF_8)
                + JSON.substring(end);
        Freshness f;
        try {
            f = Freshness.fromTree(StrictJson.parse(text.getBytes(StandardCharsets.UTF_8), 8, "freshness"));
        } catch (CscsException e) {
            if (e.code() != ErrorCode.MALFORMED && e.code() != ErrorCode.TOO_LARGE) {
                throw new IllegalStateException("a bad record gave " + e.code(), e);
            }
            return;
        }
        Freshness again = Freshness.fromTree(f.toJson());
        if (!again.equals(f)) {
            throw new IllegalStateException("a record does not round-trip: " + f.toJson());
        }
        if (f.signedBy(KEY.publicKey()) && !(f.node().equals(SIGNED.node()) && f.issued().equals(SIGNED.issued())
                && f.heads().equals(SIGNED.heads()))) {
            throw new IllegalStateException("a changed record still verifies: " + text);
        }
    }
}
