package dev.cscs.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import java.math.BigInteger;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Over random keys of every type: every encoding of one key that is accepted gives the one
 * identity and the one keyid (all others are refused), the identity does not depend on the
 * encoding even where the checks refuse it, and distinct keys never share an identity.
 */
class KeyIdentityPropertiesTest {
    private static final BigInteger F4 = BigInteger.valueOf(65537);

    @Provide
    Arbitrary<PrivateKeyRef> keys() {
        return Arbitraries.of("ed25519", "ecdsa-p256", "rsa-2048").map(KeyGen::generate);
    }

    @Provide
    Arbitrary<List<PrivateKeyRef>> keyLists() {
        return keys().list().ofMinSize(2).ofMaxSize(6);
    }

    @Property(tries = 24)
    void everyAcceptedEncodingOfOneKeyHasItsOneIdentityAndKeyid(@ForAll("keys") PrivateKeyRef k) {
        PublicKeyRef canonical = k.publicKey();
        for (byte[] encoding : otherEncodings(k)) {
            try {
                PublicKeyRef read = PublicKeys.fromSpki(encoding);
                assertThat(read.identity()).isEqualTo(canonical.identity());
                assertThat(read.keyid()).isEqualTo(canonical.keyid());
                assertThat(read.spki()).isEqualTo(canonical.spki());
            } catch (CscsException refused) {
                assertThat(refused.code()).isEqualTo(ErrorCode.BAD_KEY);
            }
            PublicKeyRef unchecked;
            try {
                unchecked = WeakKeys.unchecked(encoding);
            } catch (RuntimeException unreadable) {
                continue;
            }
            assertThat(unchecked.identity()).as("identity of a second encoding, checks skipped").isEqualTo(canonical.identity());
        }
    }

    @Property(tries = 8)
    void distinctKeysNeverShareAnIdentityOrAKeyid(@ForAll("keyLists") List<PrivateKeyRef> ks) {
        Set<KeyIdentity> identities = new HashSet<>();
        Set<String> keyids = new HashSet<>();
        for (PrivateKeyRef k : ks) {
            identities.add(k.publicKey().identity());
            keyids.add(k.keyid());
        }
        assertThat(identities).hasSize(ks.size());
        assertThat(keyids).hasSize(ks.size());
    }

    @Property(tries = 16)
    void theNegatedPointIsAnotherKey(@ForAll("keys") PrivateKeyRef k) {
        byte[] spki = k.publicKey().spki();
        byte[] negated;
        switch (k.type()) {
            case ED25519:
                negated = spki.clone();
                negated[negated.length - 1] ^= (byte) 0x80;
                break;
            case EC_P256: {
                var w = ((ECPublicKey) k.publicKey().key()).getW();
                BigInteger p = new BigInteger("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff", 16);
                negated = WeakKeys.ecSpki(uncompressed(w.getAffineX(), p.subtract(w.getAffineY())));
                break;
            }
            default:
                return;
        }
        assertThat(PublicKeys.fromSpki(negated).identity()).isNotEqualTo(k.publicKey().identity());
    }

    /** Second encodings: non-minimal DER lengths, and per type the encodings that name the same key. */
    private static List<byte[]> otherEncodings(PrivateKeyRef k) {
        byte[] spki = k.publicKey().spki();
        List<byte[]> out = new ArrayList<>();
        out.add(longFormLength(spki));
        switch (k.type()) {
            case ED25519:
                break;
            case EC_P256: {
                var w = ((ECPublicKey) k.publicKey().key()).getW();
                byte[] compressed = new byte[33];
                compressed[0] = (byte) (w.getAffineY().testBit(0) ? 3 : 2);
                System.arraycopy(fixed32(w.getAffineX()), 0, compressed, 1, 32);
                out.add(WeakKeys.ecSpki(compressed));
                byte[] hybrid = uncompressed(w.getAffineX(), w.getAffineY());
                hybrid[0] = (byte) (w.getAffineY().testBit(0) ? 7 : 6);
                out.add(WeakKeys.ecSpki(hybrid));
                break;
            }
            default: {
                RSAPrivateCrtKey rsa = (RSAPrivateCrtKey) k.jcaKey();
                BigInteger lambda = WeakKeys.carmichael(rsa);
                out.add(WeakKeys.rsaSpki(rsa.getModulus(), F4, false));
                out.add(WeakKeys.rsaSpki(rsa.getModulus(), F4.add(lambda), true));
                out.add(WeakKeys.rsaSpki(rsa.getModulus(), F4.add(lambda.shiftLeft(1)), false));
            }
        }
        return out;
    }

    /** The same DER with its outer length in a longer form than needed (BER, not DER). */
    private static byte[] longFormLength(byte[] der) {
        int lenBytes = (der[1] & 0x80) == 0 ? 0 : der[1] & 0x7f;
        int len = lenBytes == 0 ? der[1] : new BigInteger(1, Arrays.copyOfRange(der, 2, 2 + lenBytes)).intValue();
        byte[] out = new byte[der.length - lenBytes + 4];
        out[0] = der[0];
        out[1] = (byte) 0x84;
        out[2] = (byte) (len >>> 24);
        out[3] = (byte) (len >>> 16);
        out[4] = (byte) (len >>> 8);
        out[5] = (byte) len;
        System.arraycopy(der, 2 + lenBytes, out, 6, der.length - 2 - lenBytes);
        return out;
    }

    private static byte[] uncompressed(BigInteger x, BigInteger y) {
        byte[] point = new byte[65];
        point[0] = 4;
        System.arraycopy(fixed32(x), 0, point, 1, 32);
        System.arraycopy(fixed32(y), 0, point, 33, 32);
        return point;
    }

    private static byte[] fixed32(BigInteger v) {
        byte[] be = v.toByteArray();
        byte[] out = new byte[32];
        int n = Math.min(32, be.length);
        System.arraycopy(be, be.length - n, out, 32 - n, n);
        return out;
    }
}
