package dev.cscs.server;

import dev.cscs.core.crypto.KeyFiles;
import dev.cscs.core.crypto.KeyGen;
import dev.cscs.core.crypto.PassphraseSource;
import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.tls.ClusterCa;
import dev.cscs.core.tls.Pem;
import dev.cscs.core.tls.TlsMaterial;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** A throwaway cluster CA for tests: node and client certificates, written where a config file can name them. */
public final class TestPki {
    private final Path dir;
    private final PrivateKeyRef caKey = KeyGen.generate("ecdsa-p256");
    private final X509Certificate caCert;

    public TestPki(Path dir, String name) {
        this.dir = dir;
        this.caCert = ClusterCa.selfSigned(caKey, name, Instant.now(), Duration.ofDays(30));
        write(dir.resolve("ca.pem"), List.of(caCert));
    }

    public Path caFile() {
        return dir.resolve("ca.pem");
    }

    /** Issues a node certificate for 127.0.0.1 valid from {@code from} for {@code validity}; returns its PEM prefix. */
    public Path node(String id, Instant from, Duration validity) {
        PrivateKeyRef key = KeyGen.generate("ecdsa-p256");
        X509Certificate cert = ClusterCa.issue(caKey, caCert, id, key.publicKey(), List.of("127.0.0.1"), List.of("localhost"),
                from, validity);
        Path prefix = dir.resolve(id);
        try {
            Files.deleteIfExists(Path.of(prefix + ".key"));
            Files.deleteIfExists(Path.of(prefix + ".pem"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        KeyFiles.writePrivate(Path.of(prefix + ".key"), key, null);
        write(Path.of(prefix + ".pem"), List.of(cert));
        return prefix;
    }

    public TlsMaterial client(String name) {
        Path prefix = dir.resolve("client-" + name);
        if (!Files.exists(Path.of(prefix + ".pem"))) {
            PrivateKeyRef key = KeyGen.generate("ecdsa-p256");
            write(Path.of(prefix + ".pem"), List.of(ClusterCa.issueClient(caKey, caCert, name, key.publicKey(), Instant.now(),
                    Duration.ofDays(1))));
            KeyFiles.writePrivate(Path.of(prefix + ".key"), key, null);
        }
        return TlsMaterial.load(caFile(), Path.of(prefix + ".pem"), Path.of(prefix + ".key"), PassphraseSource.NONE);
    }

    /** The tls: line of a node config, with a fresh certificate for {@code id}. */
    String tlsConfig(Path unused, String id) {
        Path p = node(id, Instant.now(), Duration.ofDays(1));
        return "tls: {ca: " + caFile() + ", cert: " + p + ".pem, key: " + p + ".key}";
    }

    private static void write(Path file, List<X509Certificate> certs) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Pem.writeCertificates(file, certs);
    }
}
