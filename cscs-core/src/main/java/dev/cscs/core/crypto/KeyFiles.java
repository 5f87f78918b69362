package dev.cscs.core.crypto;

import dev.cscs.core.error.IoFailure;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.util.io.pem.PemGenerationException;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;
import org.bouncycastle.openssl.PKCS8Generator;

/**
 * Key files, compatible with {@code openssl}: PEM (or DER) PKCS#8 private keys, optionally
 * passphrase-encrypted (PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC), and SPKI public keys.
 * Private key files are created with mode 0600 from the start, never widened later.
 */
public final class KeyFiles {
    /** PBKDF2 iterations for new encrypted keys (OWASP 2023 guidance for HMAC-SHA256). */
    public static final int PBKDF2_ITERATIONS = 600_000;

    private KeyFiles() {
    }

    /**
     * BouncyCastle's JCA provider, for encrypted keys only. Built on first use: building it
     * registers some 1,800 algorithm services and loads over 200 classes, which an edge agent
     * reading its unencrypted key would otherwise hold for good (about 2 MB of its RSS).
     */
    private static final class Bc {
        static final BouncyCastleProvider PROVIDER = new BouncyCastleProvider();
    }

    public static PublicKeyRef readPublic(Path file) {
        byte[] bytes = read(file);
        try {
            if (!looksLikePem(bytes)) {
                return PublicKeys.fromSpki(bytes);
            }
            Object o = pem(bytes, file);
            if (o instanceof SubjectPublicKeyInfo) {
                return PublicKeys.fromSpki(((SubjectPublicKeyInfo) o).getEncoded());
            }
            if (o instanceof X509CertificateHolder cert) {
                // a node's certificate: the key it signs with (its TLS key)
                return PublicKeys.fromSpki(cert.getSubjectPublicKeyInfo().getEncoded());
            }
            if (o instanceof PEMKeyPair || o instanceof PrivateKeyInfo || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                throw new CscsException(ErrorCode.BAD_KEY, file + ": this is a private key; give the public key (.pub)");
            }
            throw new CscsException(ErrorCode.BAD_KEY, file + ": no PUBLIC KEY or CERTIFICATE block found");
        } catch (IOException e) {
            throw new CscsException(ErrorCode.BAD_KEY, file + ": not a readable public key");
        } catch (CscsException e) {
            throw e.getMessage().startsWith(file.toString()) ? e : new CscsException(e.code(), file + ": " + e.getMessage());
        }
    }

    public static PrivateKeyRef readPrivate(Path file, PassphraseSource passphrases) {
        byte[] bytes = read(file);
        try {
            PrivateKeyInfo info = looksLikePem(bytes) ? privateInfo(pem(bytes, file), file, passphrases)
                    : PrivateKeyInfo.getInstance(bytes);
            return fromPrivateKeyInfo(info);
        } catch (IOException | RuntimeException e) {
            if (e instanceof CscsException) {
                CscsException c = (CscsException) e;
                throw c.getMessage().startsWith(file.toString()) ? c : new CscsException(c.code(), file + ": " + c.getMessage());
            }
            throw new CscsException(ErrorCode.BAD_KEY, file + ": not a readable private key");
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    public static PrivateKeyRef fromPrivateKeyInfo(PrivateKeyInfo info) throws IOException {
        KeyType type = PublicKeys.typeOf(info.getPrivateKeyAlgorithm().getAlgorithm(),
                info.getPrivateKeyAlgorithm().getParameters());
        PrivateKey key;
        try {
            key = KeyFactory.getInstance(PublicKeys.jcaFamily(type)).generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new CscsException(ErrorCode.BAD_KEY, "not a valid " + type.label() + " private key");
        }
        return new PrivateKeyRef(key, PublicKeys.derive(type, key));
    }

    private static PrivateKeyInfo privateInfo(Object o, Path file, PassphraseSource passphrases) throws IOException {
        if (o instanceof PrivateKeyInfo) {
            return (PrivateKeyInfo) o;
        }
        if (o instanceof PEMKeyPair) {
            return ((PEMKeyPair) o).getPrivateKeyInfo();
        }
        if (o instanceof PKCS8EncryptedPrivateKeyInfo || o instanceof PEMEncryptedKeyPair) {
            char[] pass = passphrases.passphrase("the private key " + file);
            if (pass == null) {
                throw new CscsException(ErrorCode.BAD_PASSPHRASE, "the key is encrypted and no passphrase was given "
                        + "(prompt, --passphrase-file or CSCS_KEY_PASSPHRASE)");
            }
            try {
                if (o instanceof PKCS8EncryptedPrivateKeyInfo) {
                    return ((PKCS8EncryptedPrivateKeyInfo) o).decryptPrivateKeyInfo(
                            new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(Bc.PROVIDER).build(pass));
                }
                return ((PEMEncryptedKeyPair) o).decryptKeyPair(new JcePEMDecryptorProviderBuilder().setProvider(Bc.PROVIDER).build(pass))
                        .getPrivateKeyInfo();
            } catch (PKCSException | OperatorCreationException | IOException | RuntimeException e) {
                throw new CscsException(ErrorCode.BAD_PASSPHRASE, "cannot decrypt the key: wrong passphrase or damaged file");
            } finally {
                Arrays.fill(pass, '\0');
            }
        }
        if (o instanceof SubjectPublicKeyInfo) {
            throw new CscsException(ErrorCode.BAD_KEY, "this is a public key; give the private key (.key)");
        }
        throw new CscsException(ErrorCode.BAD_KEY, "no PRIVATE KEY block found");
    }

    /** Writes a private key as PKCS#8 PEM, encrypted when {@code passphrase} is given; mode 0600; never overwrites. */
    public static void writePrivate(Path file, PrivateKeyRef key, char[] passphrase) {
        PemObject pem;
        try {
            OutputEncryptor enc = null;
            if (passphrase != null) {
                enc = new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                        .setProvider(Bc.PROVIDER)
                        .setPRF(PKCS8Generator.PRF_HMACSHA256)
                        .setIterationCount(PBKDF2_ITERATIONS)
                        .setRandom(new SecureRandom())
                        .setPassword(passphrase)
                        .build();
            }
            pem = new PKCS8Generator(PrivateKeyInfo.getInstance(key.key().getEncoded()), enc).generate();
        } catch (OperatorCreationException | PemGenerationException e) {
            throw new CscsException(ErrorCode.INTERNAL, "cannot encode the private key", e);
        }
        writeNew(file, toPem(pem), true);
    }

    public static void writePublic(Path file, PublicKeyRef key) {
        writeNew(file, toPem(new PemObject("PUBLIC KEY", key.spki())), false);
    }

    public static String publicPem(PublicKeyRef key) {
        return new String(toPem(new PemObject("PUBLIC KEY", key.spki())), StandardCharsets.US_ASCII);
    }

    private static byte[] toPem(PemObject pem) {
        StringWriter out = new StringWriter();
        try (PemWriter w = new PemWriter(out)) {
            w.writeObject(pem);
        } catch (IOException e) {
            throw new CscsException(ErrorCode.INTERNAL, "cannot write PEM", e);
        }
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static void writeNew(Path file, byte[] content, boolean secret) {
        try {
            if (secret) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.write(file, content, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            } else {
                Files.write(file, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            }
        } catch (FileAlreadyExistsException e) {
            throw new CscsException(ErrorCode.IO, file + " already exists; refusing to overwrite a key");
        } catch (IOException e) {
            throw IoFailure.of("write", file, e);
        } finally {
            if (secret) {
                Arrays.fill(content, (byte) 0);
            }
        }
    }

    private static byte[] read(Path file) {
        try {
            long size = Files.size(file);
            if (size > 64 * 1024) {
                throw new CscsException(ErrorCode.BAD_KEY, file + ": " + size + " bytes is too large for a key file");
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw IoFailure.of("read", file, e);
        }
    }

    private static boolean looksLikePem(byte[] bytes) {
        String head = new String(bytes, 0, Math.min(bytes.length, 4096), StandardCharsets.US_ASCII);
        return head.contains("-----BEGIN ");
    }

    private static Object pem(byte[] bytes, Path file) throws IOException {
        try (PEMParser parser = new PEMParser(new StringReader(new String(bytes, StandardCharsets.US_ASCII)))) {
            Object o = parser.readObject();
            if (o == null) {
                throw new CscsException(ErrorCode.BAD_KEY, "no PEM block found");
            }
            return o;
        }
    }
}
