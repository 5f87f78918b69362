package dev.cscs.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.cli.CliFiles;
import dev.cscs.cli.GlobalOptions;
import dev.cscs.cli.Printer;
import dev.cscs.cli.Version;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.Names;
import java.io.Console;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "revert", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        description = {"Restore a domain to its state at an earlier seq, as one new signed changeset.",
            "The chain is verified here from your genesis (signatures, thresholds, links), replayed to seq N",
            "and to its head, and the difference becomes puts (of changed and removed keys) and deletes (of",
            "keys added since), so a node cannot make you sign values of its choosing. The diff is shown",
            "first; on a terminal it asks before signing unless --yes. History is kept: the chain only grows.",
            "Nothing to revert: it says so, exit 0, and no changeset is made."},
        footer = {"", "Examples:", "  cscs history factory-a",
            "  cscs revert factory-a --to-seq 3 --genesis genesis.json --sign-with ops.key",
            "  cscs revert factory-a --to-seq 3 --genesis genesis.json \\",
            "      --sign-with ops.key --yes"})
public final class RevertCommand implements Runnable {
    @Parameters(index = "0", paramLabel = "DOMAIN")
    String domain;

    @Option(names = "--to-seq", required = true, paramLabel = "N", description = "The seq whose state to restore (0: empty).")
    long toSeq;

    @Option(names = "--genesis", required = true, paramLabel = "FILE", description = "The cluster's genesis.json: the history is verified from it.")
    Path genesis;

    @Option(names = "--sign-with", required = true, paramLabel = "KEY", description = "A private key to sign with (repeat).")
    List<Path> signWith;

    @Option(names = "--yes", description = "Do not ask for confirmation on a terminal.")
    boolean yes;

    @Option(names = "--comment", description = "Why; kept in the chain (default: revert to seq N).")
    String comment;

    @Mixin
    GlobalOptions global;

    /** The ops that restore seq N's state, planned against the verified head {@code headSeq}. */
    private record Planned(Plan plan, long headSeq) {
    }

    @Override
    public void run() {
        Names.checkDomain(domain);
        Changeset g = CliFiles.readChangeset(genesis);
        Submitter s = new Submitter(global);
        Printer p = global.printer();
        Planned first = plan(s, g);
        if (first.plan().inSync()) {
            p.result(first.plan().json(), domain + ": already as at seq " + toSeq + ", nothing to revert");
            return;
        }
        p.note(first.plan().human());
        confirm();
        Plan[] last = {first.plan()};
        // the ops shown are the ops signed, unless the chain moved on meanwhile: then they are planned again
        JsonNode reply = s.submit(domain, head -> head.seq() == first.headSeq() ? first.plan().ops() : (last[0] = plan(s, g).plan()).ops(),
                signWith, comment == null ? "revert to seq " + toSeq : comment, "/v1/changesets");
        if (reply == null) {
            p.result(last[0].json(), domain + ": already as at seq " + toSeq + ", nothing to revert");
            return;
        }
        Submitter.printAccepted(p, reply);
    }

    private Planned plan(Submitter s, Changeset g) {
        ChainReplay chain = ChainReplay.verified(s.api(), g, domain);
        return new Planned(Plan.of(domain, chain.valuesAt(chain.headSeq()), chain.valuesAt(toSeq)), chain.headSeq());
    }

    private void confirm() {
        Console console = System.console();
        if (yes || console == null) {
            return;
        }
        String answer = console.readLine("sign and submit this revert of %s to seq %d? [y/N] ", domain, toSeq);
        if (answer == null || !(answer.equalsIgnoreCase("y") || answer.equalsIgnoreCase("yes"))) {
            throw new CscsException(ErrorCode.USAGE, "not confirmed; nothing was signed");
        }
    }
}
