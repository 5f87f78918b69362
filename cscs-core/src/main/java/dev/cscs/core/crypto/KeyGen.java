package dev.cscs.core.crypto;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;

/** New key pairs, from the JDK's providers. */
public final class KeyGen {
    private KeyGen() {
    }

    /** {@code spec}: {@code ed25519} (default), {@code ecdsa-p256}, or {@code rsa-2048|3072|4096}. */
    public static PrivateKeyRef generate(String spec) {
        try {
            KeyPairGenerator g;
            switch (spec) {
                case "ed25519":
                    g = KeyPairGenerator.getInstance("Ed25519");
                    break;
                case "ecdsa-p256":
                    g = KeyPairGenerator.getInstance("EC");
                    g.initialize(new ECGenParameterSpec("secp256r1"));
                    break;
                case "rsa-2048":
                case "rsa-3072":
                case "rsa-4096":
                    g = KeyPairGenerator.getInstance("RSA");
                    g.initialize(Integer.parseInt(spec.substring(4)));
                    break;
                default:
                    throw new CscsException(ErrorCode.USAGE, "unknown key algorithm \"" + spec
                            + "\"; use ed25519, ecdsa-p256, rsa-2048, rsa-3072 or rsa-4096");
            }
            KeyPair kp = g.generateKeyPair();
            return KeyFiles.fromPrivateKeyInfo(PrivateKeyInfo.getInstance(kp.getPrivate().getEncoded()));
        } catch (GeneralSecurityException | IOException e) {
            throw new CscsException(ErrorCode.INTERNAL, "key generation failed: " + e.getMessage(), e);
        }
    }
}
