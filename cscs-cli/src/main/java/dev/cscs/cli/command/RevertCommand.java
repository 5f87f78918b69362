package dev.cscs.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.cli.GlobalOptions;
import dev.cscs.cli.Printer;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.model.Names;
import java.io.Console;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "revert", mixinStandardHelpOptions = true, versionProvider = dev.cscs.cli.Version.class, sortOptions = false,
        description = {"Restore a domain to its state at an earlier seq, as one new signed changeset.",
            "The chain is read and checked link by link, replayed to seq N and to its head, and the difference",
            "becomes puts (of changed and removed keys) and deletes (of keys added since). The diff is shown",
            "first; on a terminal it asks before signing unless --yes. History is kept: the chain only grows.",
            "Nothing to revert: it says so, exit 0, and no changeset is made."},
        footer = {"", "Examples:", "  cscs history factory-a",
            "  cscs revert factory-a --to-seq 3 --sign-with ops.key",
            "  cscs revert factory-a --to-seq 3 --sign-with ops.key --yes"})
public final class RevertCommand implements Runnable {
    @Parameters(index = "0", paramLabel = "DOMAIN")
    String domain;

    @Option(names = "--to-seq", required = true, paramLabel = "N", description = "The seq whose state to restore (0: empty).")
    long toSeq;

    @Option(names = "--sign-with", required = true, paramLabel = "KEY", description = "A private key to sign with (repeat).")
    List<Path> signWith;

    @Option(names = "--yes", description = "Do not ask for confirmation on a terminal.")
    boolean yes;

    @Option(names = "--comment", description = "Why; kept in the chain (default: revert to seq N).")
    String comment;

    @Mixin
    GlobalOptions global;

    /** The head seq the last plan was made at. */
    private long plannedAt;

    @Override
    public void run() {
        Names.checkDomain(domain);
        Submitter s = new Submitter(global);
        Printer p = global.printer();
        Plan first = plan(s);
        if (first.inSync()) {
            p.result(first.json(), domain + ": already as at seq " + toSeq + ", nothing to revert");
            return;
        }
        p.note(first.human());
        confirm();
        long confirmedAt = plannedAt;
        Plan[] last = {first};
        // the ops shown are the ops signed, unless the chain moved on meanwhile: then they are planned again
        JsonNode reply = s.submit(domain, head -> head.seq() == confirmedAt ? first.ops() : (last[0] = plan(s)).ops(),
                signWith, comment == null ? "revert to seq " + toSeq : comment, "/v1/changesets");
        if (reply == null) {
            p.result(last[0].json(), domain + ": already as at seq " + toSeq + ", nothing to revert");
            return;
        }
        Submitter.printAccepted(p, reply);
    }

    private Plan plan(Submitter s) {
        ChainReplay chain = ChainReplay.read(s.api(), domain);
        plannedAt = chain.headSeq();
        return Plan.of(domain, chain.valuesAt(chain.headSeq()), chain.valuesAt(toSeq));
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
