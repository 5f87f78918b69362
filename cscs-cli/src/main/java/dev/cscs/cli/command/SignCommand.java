package dev.cscs.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.cli.CliFiles;
import dev.cscs.cli.GlobalOptions;
import dev.cscs.cli.Printer;
import dev.cscs.cli.Version;
import dev.cscs.cli.http.ApiClient;
import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.crypto.SignatureAlg;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.json.Limits;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Head;
import dev.cscs.core.model.Names;
import dev.cscs.core.model.Op;
import dev.cscs.core.trust.Signing;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "sign", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        description = {"Make and sign a changeset file.",
            "A changeset holds puts and deletes in one domain. The file is ready for `cscs cosign` or `cscs submit`.",
            "Its place in the chain comes from --seq/--prev, or else from the head at --endpoint."},
        footer = {"", "Examples:",
            "  cscs sign --domain factory-a \\",
            "      --put 'sysctl/net.ipv4.ip_forward={\"value\":\"0\"}' \\",
            "      --delete service/telnet.socket --sign-with ops.key --out cs.json",
            "  cscs sign --domain factory-a --put yum/epel=@epel.json \\",
            "      --seq 4 --prev sha256:9f2c… --sign-with ops.key --out cs.json",
            "", "Signing elsewhere (an HSM, openssl):",
            "  cscs sign --domain factory-a --put … --seq 4 --prev sha256:… \\",
            "      --out cs.json --print-payload > payload.bin",
            "  openssl pkeyutl -sign -rawin -inkey ops.pem -in payload.bin -out sig.bin",
            "  cscs attach-signature cs.json --pub ops.pub --sig sig.bin"})
public final class SignCommand implements Runnable {
    @Option(names = "--domain", required = true, paramLabel = "DOMAIN", description = "The domain the changeset writes to.")
    String domain;

    @Option(names = "--put", paramLabel = "KEY=VALUE|KEY=@FILE", description = "Set KEY to a JSON value (repeat).")
    List<String> puts = new ArrayList<>();

    @Option(names = "--delete", paramLabel = "KEY", description = "Delete KEY (repeat).")
    List<String> deletes = new ArrayList<>();

    @Option(names = "--seq", paramLabel = "N", description = "The changeset's seq: the domain head + 1.")
    Long seq;

    @Option(names = "--prev", paramLabel = "sha256:…", description = "The digest of the domain's head changeset.")
    String prev;

    @Option(names = "--comment", description = "Why; kept in the chain for the audit trail.")
    String comment;

    @Option(names = "--sign-with", paramLabel = "KEY", description = "A private key to sign with (repeat).")
    List<Path> signWith = new ArrayList<>();

    @Option(names = "--alg", paramLabel = "ALG", description = "Signature algorithm, for RSA keys: rsa-pkcs1-sha256 (default) or rsa-pss-sha256.")
    String alg;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the changeset.")
    Path out;

    @Option(names = "--print-payload", description = "Print the exact bytes to sign on stdout (for an HSM or openssl).")
    boolean printPayload;

    @Mixin
    GlobalOptions global;

    @Override
    public void run() {
        Names.checkChangesetDomain(domain);
        List<Op> ops = OpArgs.ops(domain, puts, deletes);
        if (signWith.isEmpty() && !printPayload) {
            throw new CscsException(ErrorCode.USAGE, "give --sign-with KEY, or --print-payload to sign elsewhere");
        }
        Head head = position();
        Changeset cs = Signing.unsigned(domain, head.seq() + 1, head.digest(), Instant.now(), ops, comment);
        cs = ChangesetCodec.parse(ChangesetCodec.toCompactJson(cs), Limits.DEFAULT);
        SignatureAlg sigAlg = alg == null ? null : SignatureAlg.fromWire(alg);
        for (PrivateKeyRef key : KeyArgs.signers(signWith, global)) {
            cs = Signing.sign(cs, key, sigAlg);
        }
        CliFiles.writeAtomic(out, ChangesetCodec.toPrettyJson(cs));
        Printer p = global.printer();
        Digest digest = ChangesetCodec.digest(cs.body());
        p.note("wrote " + out + ": " + domain + " seq " + cs.body().seq() + ", " + ops.size() + " op(s), "
                + cs.signatures().size() + " signature(s)");
        if (printPayload) {
            System.out.write(ChangesetCodec.signingPayload(cs.body()), 0, ChangesetCodec.signingPayload(cs.body()).length);
            System.out.flush();
            return;
        }
        p.result(Printer.object().put("file", out.toString()).put("domain", domain).put("seq", cs.body().seq())
                .put("digest", digest.toString()).put("signatures", cs.signatures().size()), digest.toString());
    }

    private Head position() {
        if ((seq == null) != (prev == null)) {
            throw new CscsException(ErrorCode.USAGE, "give both --seq and --prev, or neither (to read the head from --endpoint)");
        }
        if (seq != null) {
            if (seq < 1) {
                throw new CscsException(ErrorCode.USAGE, "--seq must be 1 or more");
            }
            return new Head(seq - 1, Digest.parse(prev));
        }
        try {
            JsonNode head = new ApiClient(global).get("/v1/changesets/" + domain + "?fromSeq=0&limit=0").path("head");
            return new Head(head.path("seq").asLong(), Digest.parse(head.path("digest").asText()));
        } catch (CscsException e) {
            if (e.code() == ErrorCode.UNAVAILABLE) {
                throw new CscsException(ErrorCode.UNAVAILABLE, e.getMessage() + "; to sign offline, give --seq and --prev");
            }
            throw e;
        }
    }
}
