package dev.cscs.cli.command;

import dev.cscs.cli.CliFiles;
import dev.cscs.cli.LocalOptions;
import dev.cscs.cli.Passphrases;
import dev.cscs.cli.Printer;
import dev.cscs.cli.Version;
import dev.cscs.core.crypto.KeyFiles;
import dev.cscs.core.crypto.KeyGen;
import dev.cscs.core.crypto.PrivateKeyRef;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "keygen", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        description = {"Make a signing key pair.",
            "Writes PREFIX.key (PKCS#8 PEM, passphrase-encrypted, mode 0600) and PREFIX.pub (SPKI PEM), and prints",
            "the keyid (hex SHA-256 of the public key's DER) on stdout."},
        footer = {"", "Examples:",
            "  cscs keygen --out ~/keys/admin                  # asks for a passphrase",
            "  CSCS_KEY_PASSPHRASE=... cscs keygen --out root1 --alg ecdsa-p256",
            "  cscs keygen --out /tmp/demo --no-passphrase     # for throwaway keys only"})
public final class KeygenCommand implements Runnable {
    @Option(names = "--out", required = true, paramLabel = "PREFIX", description = "Write PREFIX.key and PREFIX.pub (a trailing .key or .pub is dropped; "
            + "missing directories are made).")
    Path out;

    @Option(names = "--alg", defaultValue = "ed25519", paramLabel = "ALG",
            description = "ed25519 (default), ecdsa-p256, rsa-2048, rsa-3072 or rsa-4096.")
    String alg;

    @Option(names = "--no-passphrase", description = "Store the private key unencrypted (not recommended).")
    boolean noPassphrase;

    @Mixin
    LocalOptions global;

    @Override
    public void run() {
        // "--out keys/fb.key" means the prefix keys/fb, not keys/fb.key.key
        String prefix = out.toString().replaceFirst("\\.(key|pub)$", "");
        Path priv = Path.of(prefix + ".key");
        Path pub = Path.of(prefix + ".pub");
        CliFiles.createParent(priv);
        PrivateKeyRef key = KeyGen.generate(alg);
        char[] pass = noPassphrase ? null : Passphrases.forNewKey(global.passphraseFileOrNull());
        try {
            KeyFiles.writePrivate(priv, key, pass);
        } finally {
            if (pass != null) {
                Arrays.fill(pass, '\0');
            }
        }
        KeyFiles.writePublic(pub, key.publicKey());
        Printer p = global.printer();
        p.note("wrote " + priv + " (" + (noPassphrase ? "unencrypted" : "encrypted") + ", mode 0600) and " + pub);
        p.result(Printer.object().put("keyid", key.keyid()).put("alg", alg).put("private", priv.toString())
                .put("public", pub.toString()).put("encrypted", !noPassphrase), key.keyid());
    }
}
