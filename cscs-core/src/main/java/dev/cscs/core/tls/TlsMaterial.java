package dev.cscs.core.tls;

import dev.cscs.core.error.IoFailure;
import dev.cscs.core.crypto.KeyFiles;
import dev.cscs.core.crypto.PassphraseSource;
import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.crypto.PublicKeys;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMParser;

/**
 * A node's or client's TLS material: its key and certificate, and the cluster CA it trusts.
 * Builds the {@link SSLContext}, key and trust managers that gRPC, Jetty and the JDK HTTP
 * client use, and explains every rejected peer certificate (TLS stacks only say "handshake
 * failed").
 */
public final class TlsMaterial {
    private static final char[] STORE_PASSWORD = "cscs".toCharArray();
    private final List<X509Certificate> ca;
    private final X509Certificate cert;
    private final PrivateKeyRef key;

    private TlsMaterial(List<X509Certificate> ca, X509Certificate cert, PrivateKeyRef key) {
        this.ca = List.copyOf(ca);
        this.cert = cert;
        this.key = key;
    }

    public static TlsMaterial load(Path caFile, Path certFile, Path keyFile, PassphraseSource passphrases) {
        List<X509Certificate> ca = readCertificates(caFile);
        List<X509Certificate> chain = readCertificates(certFile);
        PrivateKeyRef key = KeyFiles.readPrivate(keyFile, passphrases);
        if (!PublicKeys.of(chain.get(0).getPublicKey()).keyid().equals(key.keyid())) {
            throw new CscsException(ErrorCode.BAD_KEY, keyFile + " is not the private key of the certificate " + certFile);
        }
        return new TlsMaterial(ca, chain.get(0), key);
    }

    /** Only a CA to trust (a CLI without a client certificate). */
    public static List<X509Certificate> readCertificates(Path file) {
        String pem;
        try {
            pem = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw IoFailure.of("read", file, e);
        }
        List<X509Certificate> out = new ArrayList<>();
        try (PEMParser p = new PEMParser(new StringReader(pem))) {
            Object o;
            while ((o = p.readObject()) != null) {
                if (o instanceof X509CertificateHolder) {
                    out.add(new JcaX509CertificateConverter().getCertificate((X509CertificateHolder) o));
                }
            }
        } catch (IOException | CertificateException e) {
            throw new CscsException(ErrorCode.BAD_KEY, file + ": not a PEM certificate: " + e.getMessage());
        }
        if (out.isEmpty()) {
            throw new CscsException(ErrorCode.BAD_KEY, file + ": no CERTIFICATE block found");
        }
        return out;
    }

    public X509Certificate certificate() {
        return cert;
    }

    public PrivateKeyRef key() {
        return key;
    }

    public List<X509Certificate> ca() {
        return ca;
    }

    public KeyManager keyManager() {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("cscs", key.jcaKey(), STORE_PASSWORD, new Certificate[] {cert});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, STORE_PASSWORD);
            return kmf.getKeyManagers()[0];
        } catch (GeneralSecurityException | IOException e) {
            throw new CscsException(ErrorCode.BAD_KEY, "cannot use the TLS key: " + e.getMessage());
        }
    }

    /** Trusts certificates issued by the cluster CA only; tells {@code rejections} why a peer was refused. */
    public X509TrustManager trustManager(Consumer<String> rejections) {
        return trustManager(ca, rejections);
    }

    public static X509TrustManager trustManager(List<X509Certificate> ca, Consumer<String> rejections) {
        try {
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            for (int i = 0; i < ca.size(); i++) {
                ts.setCertificateEntry("ca" + i, ca.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ts);
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509TrustManager) {
                    return new ExplainingTrustManager((X509TrustManager) tm, ca, rejections);
                }
            }
            throw new CscsException(ErrorCode.INTERNAL, "no X.509 trust manager");
        } catch (GeneralSecurityException | IOException e) {
            throw new CscsException(ErrorCode.BAD_KEY, "cannot use the CA certificate: " + e.getMessage());
        }
    }

    public SSLContext sslContext(Consumer<String> rejections) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(new KeyManager[] {keyManager()}, new TrustManager[] {trustManager(rejections)}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new CscsException(ErrorCode.INTERNAL, "cannot set up TLS: " + e.getMessage());
        }
    }
}
