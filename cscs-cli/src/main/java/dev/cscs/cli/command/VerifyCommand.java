package dev.cscs.cli.command;

import dev.cscs.cli.CliFiles;
import dev.cscs.cli.LocalOptions;
import dev.cscs.cli.Printer;
import dev.cscs.cli.Version;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.error.ExitCode;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetBody;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Head;
import dev.cscs.core.model.Names;
import dev.cscs.core.trust.Accepted;
import dev.cscs.core.trust.ChainState;
import dev.cscs.core.trust.TrustPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "verify", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        description = {"Check a changeset offline against a genesis.",
            "Checks signatures, thresholds, scope, and its place in the chain. Exits 0 when it would be accepted,",
            "3 with the reason when not."},
        footer = {"", "Examples:",
            "  cscs verify cs.json --genesis genesis.json",
            "  # check seq and prev too, against the head (seq:digest) it must follow",
            "  cscs verify cs.json --genesis genesis.json --head 41:sha256:9f2c…",
            "  # after a key rotation: the policy in force",
            "  cscs verify cs.json --genesis genesis.json --trust trust-2.json",
            "", "Without --head, a changeset with seq > 1 is checked for signatures only, and says so."})
public final class VerifyCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "CS.json", description = "The changeset to check.")
    Path file;

    @Option(names = "--genesis", required = true, paramLabel = "FILE", description = "The cluster's genesis.json.")
    Path genesis;

    @Option(names = "--anchor", paramLabel = "sha256:…", description = "Also require the genesis to have this digest.")
    String anchor;

    @Option(names = "--trust", paramLabel = "FILE", description = "Later _trust changesets, in order (repeat).")
    List<Path> trust = new ArrayList<>();

    @Option(names = "--head", paramLabel = "SEQ:sha256:…", description = "The domain head the changeset must follow.")
    String head;

    @Mixin
    LocalOptions global;

    @Override
    public Integer call() {
        Printer p = global.printer();
        Changeset cs;
        ChainState state;
        try {
            state = ChainState.fromGenesis(CliFiles.readChangeset(genesis), anchor == null ? null : Digest.parse(anchor));
            for (Path t : trust) {
                state.accept(CliFiles.readChangeset(t));
            }
            cs = CliFiles.readChangeset(file);
        } catch (CscsException e) {
            if (e.code() == ErrorCode.IO || e.code() == ErrorCode.USAGE) {
                throw e;
            }
            throw new CscsException(e.code(), "trust chain: " + e.getMessage());
        }
        ChangesetBody body = cs.body();
        boolean positionChecked = true;
        Head expected = head != null ? Head.parse(head) : state.head(body.domain());
        if (head == null && expected != null && body.seq() != expected.seq() + 1) {
            expected = new Head(body.seq() - 1, body.prev());
            positionChecked = false;
        }
        Map<String, Head> heads = new TreeMap<>(state.heads());
        if (expected != null) {
            heads.put(body.domain(), expected);
        }
        TrustPolicy policy = state.policy();
        try {
            Accepted ok = ChainState.restore(policy, heads).check(cs);
            String where = positionChecked ? "follows head " + expected.seq() : "chain position not checked (give --head)";
            p.result(Printer.object().put("valid", true).put("domain", body.domain()).put("seq", body.seq())
                    .put("digest", ok.digest().toString()).put("signers", ok.signers().size())
                    .put("positionChecked", positionChecked),
                    "valid: " + body.domain() + " seq " + body.seq() + " " + ok.digest() + "\n  signed by "
                            + ok.signers().size() + " authorized key(s); " + where);
            return ExitCode.OK.code();
        } catch (CscsException e) {
            if (Names.TRUST.equals(body.domain()) || e.code().isRejection()) {
                String hint = e.code() == ErrorCode.UNKNOWN_KEY && (trust == null || trust.isEmpty())
                        ? "\n  if the key was added after the genesis, pass the later _trust changesets with --trust" : "";
                p.result(Printer.object().put("valid", false).put("code", e.code().code()).put("reason", e.getMessage()),
                        "rejected (" + e.code().code() + "): " + e.getMessage() + hint);
                return ExitCode.REJECTED.code();
            }
            throw e;
        }
    }
}
