package dev.cscs.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import java.math.BigInteger;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Every key a trust policy could name is checked when it is read; a weak or non-canonical key is refused there. */
class WeakKeysTest {
    private static final BigInteger F4 = BigInteger.valueOf(65537);

    private static void refused(byte[] spki, String reason) {
        assertThatThrownBy(() -> PublicKeys.fromSpki(spki))
                .isInstanceOfSatisfying(CscsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_KEY))
                .hasMessageContaining(reason);
    }

    @Test
    void everySmallOrderEd25519PointIsRefused() {
        for (String point : WeakKeys.ED25519_SMALL_ORDER) {
            refused(WeakKeys.ed25519Spki(point), "small order");
        }
    }

    @Test
    void ed25519EncodingsWithYAtLeastPAreRefusedAsNonCanonical() {
        // y = p + 1 is the identity again; y = p + 3 a point on the curve
        refused(WeakKeys.ed25519Spki(WeakKeys.ed25519Raw(WeakKeys.ED25519_P.add(BigInteger.ONE), false)), "y >= p");
        refused(WeakKeys.ed25519Spki(WeakKeys.ed25519Raw(WeakKeys.ED25519_P.add(BigInteger.valueOf(3)), false)), "y >= p");
        // x = 0 with its sign bit set: a second encoding of the identity
        refused(WeakKeys.ed25519Spki(WeakKeys.ed25519Raw(BigInteger.ONE, true)), "not canonical");
    }

    @Test
    void ed25519PointsOffTheCurveOrOutsideThePrimeOrderSubgroupAreRefused() {
        refused(WeakKeys.ed25519Spki(WeakKeys.ed25519Raw(BigInteger.TWO, false)), "not a point of the curve");
        // y = 3 is on the curve, but has a small-order component: no private key makes it
        refused(WeakKeys.ed25519Spki(WeakKeys.ed25519Raw(BigInteger.valueOf(3), false)), "prime-order subgroup");
    }

    @Test
    void ecdsaPointsOffTheCurveAreRefused() {
        byte[] point = new byte[65];
        point[0] = 4;
        point[32] = 1;
        point[64] = 1;
        refused(WeakKeys.ecSpki(point), "ecdsa-p256");
        byte[] real = PublicKeys.of(KeyGen.generate("ecdsa-p256").publicKey().key()).spki();
        real[real.length - 1] ^= 1;
        refused(real, "not on the curve");
    }

    @Test
    void rsaKeysWithAnyPublicExponentBut65537AreRefused() {
        RSAPrivateCrtKey k = WeakKeys.rsa2048();
        BigInteger lambda = WeakKeys.carmichael(k);
        // e + λ accepts every signature e accepts: one key, a second keyid
        refused(WeakKeys.rsaSpki(k.getModulus(), F4.add(lambda), true), "exponent");
        refused(WeakKeys.rsaSpki(k.getModulus(), BigInteger.valueOf(3), true), "exponent");
    }

    @Test
    void shortOrEvenRsaModuliAndSpkisWithoutNullParametersAreRefused() {
        RSAPrivateCrtKey k = WeakKeys.rsa2048();
        refused(WeakKeys.rsaSpki(k.getModulus().clearBit(0), F4, true), "even");
        refused(WeakKeys.rsaSpki(k.getModulus().shiftRight(1100).setBit(0), F4, true), "at least 2048");
        refused(WeakKeys.rsaSpki(k.getModulus(), F4, false), "canonical");
        byte[] canonical = WeakKeys.rsaSpki(k.getModulus(), F4, true);
        assertThat(Arrays.equals(PublicKeys.fromSpki(canonical).spki(), canonical)).isTrue();
    }
}
