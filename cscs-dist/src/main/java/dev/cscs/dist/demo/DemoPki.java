package dev.cscs.dist.demo;

import dev.cscs.core.crypto.KeyFiles;
import dev.cscs.core.crypto.KeyGen;
import dev.cscs.core.crypto.PassphraseSource;
import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.tls.ClusterCa;
import dev.cscs.core.tls.Pem;
import dev.cscs.core.tls.TlsMaterial;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The demo's keys and certificates, written the way an operator's would be (unencrypted: they are throwaway). */
final class DemoPki {
    final Path dir;
    final PrivateKeyRef root1 = key("root1");
    final PrivateKeyRef root2 = key("root2");
    final PrivateKeyRef globalSigner = key("global-signer");
    final PrivateKeyRef factorySigner = key("factory-a-signer");
    private final PrivateKeyRef caKey;
    private final X509Certificate caCert;

    DemoPki(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir.resolve("ca"));
        Files.createDirectories(dir.resolve("pki"));
        Files.createDirectories(dir.resolve("keys"));
        for (PrivateKeyRef k : List.of(root1, root2, globalSigner, factorySigner)) {
            String name = k == root1 ? "root1" : k == root2 ? "root2" : k == globalSigner ? "global-signer" : "factory-a-signer";
            KeyFiles.writePrivate(dir.resolve("keys").resolve(name + ".key"), k, null);
            KeyFiles.writePublic(dir.resolve("keys").resolve(name + ".pub"), k.publicKey());
        }
        caKey = KeyGen.generate("ecdsa-p256");
        caCert = ClusterCa.selfSigned(caKey, "cscs demo CA", Instant.now(), Duration.ofDays(7));
        KeyFiles.writePrivate(dir.resolve("ca/ca.key"), caKey, null);
        Pem.writeCertificates(dir.resolve("ca/ca.pem"), List.of(caCert));
    }

    private static PrivateKeyRef key(String name) {
        return KeyGen.generate("ed25519");
    }

    /** A node certificate for 127.0.0.1; returns the node's key. */
    PrivateKeyRef node(String id) {
        PrivateKeyRef key = KeyGen.generate("ecdsa-p256");
        X509Certificate cert = ClusterCa.issue(caKey, caCert, id, key.publicKey(), List.of("127.0.0.1"), List.of("localhost"),
                Instant.now(), Duration.ofDays(7));
        KeyFiles.writePrivate(dir.resolve("pki").resolve(id + ".key"), key, null);
        Pem.writeCertificates(dir.resolve("pki").resolve(id + ".pem"), List.of(cert));
        return key;
    }

    /** A client certificate (the operator's, or an edge device's). */
    TlsMaterial client(String name) {
        PrivateKeyRef key = KeyGen.generate("ecdsa-p256");
        Pem.writeCertificates(dir.resolve("pki").resolve(name + ".pem"), List.of(ClusterCa.issueClient(caKey, caCert, name,
                key.publicKey(), Instant.now(), Duration.ofDays(7))));
        KeyFiles.writePrivate(dir.resolve("pki").resolve(name + ".key"), key, null);
        return TlsMaterial.load(dir.resolve("ca/ca.pem"), dir.resolve("pki").resolve(name + ".pem"),
                dir.resolve("pki").resolve(name + ".key"), PassphraseSource.NONE);
    }
}
