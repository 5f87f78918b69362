package dev.cscs.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.tls.ClusterCa;
import dev.cscs.core.tls.Pem;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFilesTest {
    @TempDir
    Path dir;

    @Test
    void anEncryptedKeyRoundTripsWithItsPassphraseOnly() throws Exception {
        PrivateKeyRef key = KeyGen.generate("ed25519");
        Path file = dir.resolve("admin.key");
        KeyFiles.writePrivate(file, key, "correct horse".toCharArray());

        String pem = Files.readString(file);
        assertThat(pem).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(KeyFiles.readPrivate(file, w -> "correct horse".toCharArray()).keyid()).isEqualTo(key.keyid());
        assertThatThrownBy(() -> KeyFiles.readPrivate(file, w -> "wrong".toCharArray()))
                .isInstanceOfSatisfying(CscsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_PASSPHRASE));
        assertThatThrownBy(() -> KeyFiles.readPrivate(file, PassphraseSource.NONE))
                .isInstanceOfSatisfying(CscsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_PASSPHRASE));
    }

    @Test
    void aNodeCertificateReadsAsItsNodesPublicKey() throws Exception {
        PrivateKeyRef ca = KeyGen.generate("ecdsa-p256");
        PrivateKeyRef node = KeyGen.generate("ecdsa-p256");
        Instant now = Instant.now();
        X509Certificate caCert = ClusterCa.selfSigned(ca, "test ca", now, Duration.ofDays(1));
        Path pem = dir.resolve("n1.pem");
        Pem.writeCertificates(pem, List.of(ClusterCa.issue(ca, caCert, "n1", node.publicKey(), List.of("127.0.0.1"), List.of(),
                now, Duration.ofDays(1))));

        assertThat(KeyFiles.readPublic(pem).keyid()).as("the node's key, not the CA's").isEqualTo(node.keyid());
    }

    @Test
    void plainKeysAndPublicKeysRoundTripInPemAndDer() throws Exception {
        PrivateKeyRef key = KeyGen.generate("ecdsa-p256");
        KeyFiles.writePrivate(dir.resolve("k.key"), key, null);
        KeyFiles.writePublic(dir.resolve("k.pub"), key.publicKey());

        assertThat(KeyFiles.readPrivate(dir.resolve("k.key"), PassphraseSource.NONE).keyid()).isEqualTo(key.keyid());
        assertThat(KeyFiles.readPublic(dir.resolve("k.pub")).keyid()).isEqualTo(key.keyid());
        Files.write(dir.resolve("k.der"), key.publicKey().spki());
        assertThat(KeyFiles.readPublic(dir.resolve("k.der")).keyid()).isEqualTo(key.keyid());
    }

    @Test
    void aKeyFileIsNeverOverwritten() {
        PrivateKeyRef key = KeyGen.generate("ed25519");
        Path file = dir.resolve("a.key");
        KeyFiles.writePrivate(file, key, null);
        assertThatThrownBy(() -> KeyFiles.writePrivate(file, KeyGen.generate("ed25519"), null))
                .hasMessageContaining("already exists");
        assertThat(KeyFiles.readPrivate(file, PassphraseSource.NONE).keyid()).isEqualTo(key.keyid());
    }

    @Test
    void swappedOrGarbageFilesGetPreciseErrors() throws Exception {
        PrivateKeyRef key = KeyGen.generate("ed25519");
        KeyFiles.writePrivate(dir.resolve("k.key"), key, null);
        KeyFiles.writePublic(dir.resolve("k.pub"), key.publicKey());
        Files.writeString(dir.resolve("junk"), "hello", StandardCharsets.US_ASCII);

        assertThatThrownBy(() -> KeyFiles.readPublic(dir.resolve("k.key"))).hasMessageContaining("private key");
        assertThatThrownBy(() -> KeyFiles.readPrivate(dir.resolve("k.pub"), PassphraseSource.NONE)).hasMessageContaining("public key");
        assertThatThrownBy(() -> KeyFiles.readPublic(dir.resolve("junk"))).isInstanceOf(CscsException.class);
        assertThatThrownBy(() -> KeyFiles.readPublic(dir.resolve("missing"))).hasMessageContaining("cannot read");
    }

    @Test
    void errorsAndToStringNeverShowKeyMaterial() {
        PrivateKeyRef key = KeyGen.generate("rsa-2048");
        String pkcs8 = Base64.getEncoder().encodeToString(key.jcaKey().getEncoded());
        assertThat(key.toString()).doesNotContain(pkcs8.substring(40, 80)).contains(key.keyid());
    }
}
