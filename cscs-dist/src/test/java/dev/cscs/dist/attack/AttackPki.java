package dev.cscs.dist.attack;

import dev.cscs.core.crypto.KeyFiles;
import dev.cscs.core.crypto.KeyGen;
import dev.cscs.core.crypto.PassphraseSource;
import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.tls.ClusterCa;
import dev.cscs.core.tls.Pem;
import dev.cscs.core.tls.TlsMaterial;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;

/**
 * A cluster CA for the attack suite, written where node configs name it: node certificates
 * (server and client use, IP SAN 127.0.0.1) and client-only certificates, each with the
 * validity a test asks for, so that expired and not-yet-valid certificates can be made too.
 * A second instance is a rogue CA that the cluster does not trust.
 */
final class AttackPki {
    private final Path dir;
    private final PrivateKeyRef caKey = KeyGen.generate("ecdsa-p256");
    private final X509Certificate caCert;

    /** Material written by this CA: PEM files of a certificate and its key. */
    record Issued(Path cert, Path key, PrivateKeyRef privateKey) {
        TlsMaterial material(Path ca) {
            return TlsMaterial.load(ca, cert, key, PassphraseSource.NONE);
        }
    }

    AttackPki(Path dir, String name) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.caCert = ClusterCa.selfSigned(caKey, name, Instant.now(), Duration.ofDays(30));
        Pem.writeCertificates(caFile(), List.of(caCert));
    }

    Path caFile() {
        return dir.resolve("ca.pem");
    }

    /** A node certificate for {@code id} (CN), valid from {@code from} for {@code validity}; {@code file} names the PEMs. */
    Issued node(String file, String id, Instant from, Duration validity) {
        PrivateKeyRef key = KeyGen.generate("ecdsa-p256");
        return write(file, key, ClusterCa.issue(caKey, caCert, id, key.publicKey(), List.of("127.0.0.1"), List.of("localhost"),
                from, validity));
    }

    Issued node(String id) {
        return node(id, id, Instant.now(), Duration.ofDays(1));
    }

    /** A client-only certificate (an operator's or an edge device's): client authentication, no addresses. */
    Issued client(String name, Instant from, Duration validity) {
        PrivateKeyRef key = KeyGen.generate("ecdsa-p256");
        return write("client-" + name, key, ClusterCa.issueClient(caKey, caCert, name, key.publicKey(), from, validity));
    }

    Issued client(String name) {
        return client(name, Instant.now(), Duration.ofDays(1));
    }

    /** The {@code tls:} line of a node config that uses {@code issued} and trusts {@code ca}. */
    static String tlsLine(Path ca, Issued issued) {
        return "tls: {ca: " + ca + ", cert: " + issued.cert() + ", key: " + issued.key() + "}";
    }

    /** An HTTPS client context presenting {@code issued} and trusting this CA. */
    SSLContext sslContext(Issued issued) {
        return issued.material(caFile()).sslContext(why -> { });
    }

    /**
     * An HTTPS/TLS client context that presents {@code issued} whatever CA the server asks for
     * (the JDK's own key manager sends no certificate when its issuer is not in the server's
     * list; an attacker's client sends it anyway), and trusts {@code trustedCa}.
     */
    static SSLContext pushy(Issued issued, Path trustedCa) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            char[] pw = "attack".toCharArray();
            ks.setKeyEntry("k", issued.privateKey().jcaKey(), pw,
                    TlsMaterial.readCertificates(issued.cert()).toArray(new Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509");
            kmf.init(ks, pw);
            X509KeyManager km = (X509KeyManager) kmf.getKeyManagers()[0];
            X509ExtendedKeyManager always = new X509ExtendedKeyManager() {
                @Override
                public String[] getClientAliases(String keyType, Principal[] issuers) {
                    return new String[] {"k"};
                }

                @Override
                public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
                    return "k";
                }

                @Override
                public String chooseEngineClientAlias(String[] keyType, Principal[] issuers,
                                                      SSLEngine engine) {
                    return "k";
                }

                @Override
                public String[] getServerAliases(String keyType, Principal[] issuers) {
                    return null;
                }

                @Override
                public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
                    return null;
                }

                @Override
                public X509Certificate[] getCertificateChain(String alias) {
                    return km.getCertificateChain(alias);
                }

                @Override
                public PrivateKey getPrivateKey(String alias) {
                    return km.getPrivateKey(alias);
                }
            };
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(new KeyManager[] {always}, new TrustManager[] {
                TlsMaterial.trustManager(TlsMaterial.readCertificates(trustedCa), why -> { })}, null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Ratis gRPC parameters with mutual TLS, as a node builds them, for a raw Raft client presenting {@code issued}. */
    Parameters grpc(Issued issued) {
        TlsMaterial tls = issued.material(caFile());
        GrpcTlsConfig conf = new GrpcTlsConfig(tls.keyManager(), tls.trustManager(why -> { }), true);
        Parameters p = new Parameters();
        GrpcConfigKeys.TLS.setConf(p, conf);
        GrpcConfigKeys.Client.setTlsConf(p, conf);
        GrpcConfigKeys.Admin.setTlsConf(p, conf);
        GrpcConfigKeys.Server.setTlsConf(p, conf);
        return p;
    }

    private Issued write(String file, PrivateKeyRef key, X509Certificate cert) {
        Path c = dir.resolve(file + ".pem");
        Path k = dir.resolve(file + ".key");
        try {
            Files.deleteIfExists(c);
            Files.deleteIfExists(k);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Pem.writeCertificates(c, List.of(cert));
        KeyFiles.writePrivate(k, key, null);
        return new Issued(c, k, key);
    }
}
