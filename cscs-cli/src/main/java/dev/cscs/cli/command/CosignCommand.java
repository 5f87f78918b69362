package dev.cscs.cli.command;

import dev.cscs.cli.CliFiles;
import dev.cscs.cli.LocalOptions;
import dev.cscs.cli.Printer;
import dev.cscs.cli.Version;
import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.crypto.SignatureAlg;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.trust.Signing;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "cosign", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        description = {"Add a signature to a changeset file.",
            "For domains whose threshold needs several signers. The body is not changed; the file is rewritten",
            "atomically."},
        footer = {"", "Examples:",
            "  cscs cosign cs.json --sign-with fa2.key          # then: cscs submit cs.json",
            "  cscs cosign cs.json --print-payload > payload.bin   # to sign elsewhere"})
public final class CosignCommand implements Runnable {
    @Parameters(index = "0", paramLabel = "CS.json", description = "The changeset file.")
    Path file;

    @Option(names = "--sign-with", paramLabel = "KEY", description = "A private key to sign with (repeat).")
    List<Path> signWith = new ArrayList<>();

    @Option(names = "--alg", paramLabel = "ALG", description = "For RSA keys: rsa-pkcs1-sha256 (default) or rsa-pss-sha256.")
    String alg;

    @Option(names = "--out", paramLabel = "FILE", description = "Write here instead of rewriting CS.json.")
    Path out;

    @Option(names = "--print-payload", description = "Print the bytes to sign on stdout, and sign nothing.")
    boolean printPayload;

    @Mixin
    LocalOptions global;

    @Override
    public void run() {
        Changeset cs = CliFiles.readChangeset(file);
        if (printPayload) {
            byte[] payload = ChangesetCodec.signingPayload(cs.body());
            System.out.write(payload, 0, payload.length);
            System.out.flush();
            return;
        }
        if (signWith.isEmpty()) {
            throw new CscsException(ErrorCode.USAGE, "give --sign-with KEY (or --print-payload)");
        }
        SignatureAlg sigAlg = alg == null ? null : SignatureAlg.fromWire(alg);
        for (PrivateKeyRef key : KeyArgs.signers(signWith, global)) {
            cs = Signing.sign(cs, key, sigAlg);
        }
        Path target = out != null ? out : file;
        CliFiles.writeAtomic(target, ChangesetCodec.toPrettyJson(cs));
        global.printer().note("wrote " + target + ": " + cs.signatures().size() + " signature(s)");
        global.printer().result(Printer.object().put("file", target.toString())
                .put("signatures", cs.signatures().size()), null);
    }
}
