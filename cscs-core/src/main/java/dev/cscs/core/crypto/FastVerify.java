package dev.cscs.core.crypto;

import dev.cscs.core.model.Digest;
import java.io.IOException;
import java.math.BigInteger;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.math.ec.ECPoint;

/** Verification on BouncyCastle's lightweight API, for the two algorithms where the JDK is slow. */
final class FastVerify {
    private static final X9ECParameters P256 = CustomNamedCurves.getByName("P-256");
    private static final ECDomainParameters P256_DOMAIN =
            new ECDomainParameters(P256.getCurve(), P256.getG(), P256.getN(), P256.getH());

    private FastVerify() {
    }

    static boolean ed25519(PublicKeyRef key, byte[] payload, byte[] sig) {
        Object cached = key.fastVerifier();
        Ed25519PublicKeyParameters pub;
        if (cached instanceof Ed25519PublicKeyParameters) {
            pub = (Ed25519PublicKeyParameters) cached;
        } else {
            byte[] spki = key.spki();
            pub = new Ed25519PublicKeyParameters(Arrays.copyOfRange(spki, spki.length - 32, spki.length), 0);
            key.fastVerifier(pub);
        }
        Ed25519Signer v = new Ed25519Signer();
        v.init(false, pub);
        v.update(payload, 0, payload.length);
        return v.verifySignature(sig);
    }

    static boolean ecdsaP256(PublicKeyRef key, byte[] payload, byte[] sig) {
        Object cached = key.fastVerifier();
        ECPublicKeyParameters pub;
        if (cached instanceof ECPublicKeyParameters) {
            pub = (ECPublicKeyParameters) cached;
        } else {
            java.security.spec.ECPoint w = ((ECPublicKey) key.key()).getW();
            ECPoint q = P256.getCurve().createPoint(w.getAffineX(), w.getAffineY());
            pub = new ECPublicKeyParameters(q, P256_DOMAIN);
            key.fastVerifier(pub);
        }
        try {
            ASN1Sequence seq = ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(sig));
            BigInteger r = ASN1Integer.getInstance(seq.getObjectAt(0)).getValue();
            BigInteger s = ASN1Integer.getInstance(seq.getObjectAt(1)).getValue();
            ECDSASigner v = new ECDSASigner();
            v.init(false, pub);
            return v.verifySignature(Digest.sha256(payload), r, s);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
