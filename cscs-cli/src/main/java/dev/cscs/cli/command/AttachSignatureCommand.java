package dev.cscs.cli.command;

import dev.cscs.cli.CliFiles;
import dev.cscs.cli.LocalOptions;
import dev.cscs.cli.Printer;
import dev.cscs.cli.Version;
import dev.cscs.core.crypto.KeyFiles;
import dev.cscs.core.crypto.PublicKeyRef;
import dev.cscs.core.crypto.SignatureAlg;
import dev.cscs.core.crypto.Signer;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Signature;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "attach-signature", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        description = {"Attach a signature made outside cscs.",
            "For signatures from an HSM or `openssl pkeyutl` over the payload that `cscs sign --print-payload`",
            "printed. It is verified before it is attached."},
        footer = {"", "Example:",
            "  openssl pkeyutl -sign -rawin -inkey ops.pem -in payload.bin -out sig.bin",
            "  cscs attach-signature cs.json --pub ops.pub --sig sig.bin",
            "", "ECDSA P-256 signatures are DER (as openssl writes them) over SHA-256 (`-digest sha256`);",
            "RSA-PSS uses SHA-256, MGF1-SHA-256 and a 32-byte salt (`-pkeyopt rsa_pss_saltlen:digest`)."})
public final class AttachSignatureCommand implements Runnable {
    @Parameters(index = "0", paramLabel = "CS.json", description = "The changeset file.")
    Path file;

    @Option(names = "--pub", required = true, paramLabel = "PUB", description = "The signer's public key.")
    Path pub;

    @Option(names = "--sig", required = true, paramLabel = "FILE", description = "The raw signature (or base64 with --base64).")
    Path sig;

    @Option(names = "--base64", description = "The signature file holds base64 text.")
    boolean base64;

    @Option(names = "--alg", paramLabel = "ALG", description = "ed25519, ecdsa-p256-sha256, rsa-pkcs1-sha256 (RSA default) or rsa-pss-sha256.")
    String alg;

    @Option(names = "--out", paramLabel = "FILE", description = "Write here instead of rewriting CS.json.")
    Path out;

    @Mixin
    LocalOptions global;

    @Override
    public void run() {
        Changeset cs = CliFiles.readChangeset(file);
        PublicKeyRef key = KeyFiles.readPublic(pub);
        SignatureAlg sigAlg = alg == null ? SignatureAlg.defaultFor(key.type()) : SignatureAlg.fromWire(alg);
        byte[] raw = CliFiles.read(sig, 8192);
        if (base64) {
            try {
                raw = Base64.getMimeDecoder().decode(new String(raw, StandardCharsets.US_ASCII).trim());
            } catch (IllegalArgumentException e) {
                throw new CscsException(ErrorCode.MALFORMED, sig + " is not base64");
            }
        }
        if (!Signer.verify(key, sigAlg, ChangesetCodec.signingPayload(cs.body()), raw)) {
            throw new CscsException(ErrorCode.BAD_SIGNATURE, sig + " is not a valid " + sigAlg + " signature by " + key.keyid()
                    + " over this changeset's payload (was it made over `--print-payload` of this very file?)");
        }
        Changeset signed = cs.withSignature(Signature.of(key.keyid(), sigAlg, raw));
        Path target = out != null ? out : file;
        CliFiles.writeAtomic(target, ChangesetCodec.toPrettyJson(signed));
        global.printer().note("attached " + sigAlg + " signature by " + key.keyid() + "; " + target + " has "
                + signed.signatures().size() + " signature(s)");
        global.printer().result(Printer.object().put("file", target.toString()).put("keyid", key.keyid())
                .put("signatures", signed.signatures().size()), null);
    }
}
