package dev.cscs.server;

import dev.cscs.core.crypto.KeyFiles;
import dev.cscs.core.crypto.KeyGen;
import dev.cscs.core.crypto.PassphraseSource;
import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.tls.TlsMaterial;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The key a node signs its status reports with: its TLS key (the one its join token names),
 * or, in insecure mode, a key kept in the data dir and made on first start.
 */
final class NodeIdentity {
    private NodeIdentity() {
    }

    static PrivateKeyRef of(Path dataDir, TlsMaterial tls) throws IOException {
        if (tls != null) {
            return tls.key();
        }
        Path file = dataDir.resolve("node-identity.key");
        if (!Files.exists(file)) {
            Files.createDirectories(dataDir);
            KeyFiles.writePrivate(file, KeyGen.generate("ecdsa-p256"), null);
        }
        return KeyFiles.readPrivate(file, PassphraseSource.NONE);
    }
}
