package dev.cscs.cli.command;

import dev.cscs.cli.CliFiles;
import dev.cscs.cli.GlobalOptions;
import dev.cscs.cli.Version;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Head;
import dev.cscs.core.model.Names;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "submit", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Submit a signed changeset file (from `cscs sign` and `cscs cosign`).",
            "A 409 means the chain moved on since it was signed: sign it again at the new head."},
        footer = {"", "Example:", "  cscs sign … --out cs.json",
            "  cscs cosign cs.json --sign-with fa2.key",
            "  cscs submit cs.json"})
public final class SubmitCommand implements Runnable {
    @Parameters(index = "0", paramLabel = "CS.json")
    Path file;

    @Mixin
    GlobalOptions global;

    @Override
    public void run() {
        Changeset cs = CliFiles.readChangeset(file);
        String path = Names.NODES.equals(cs.body().domain()) ? "/v1/members" : "/v1/changesets";
        Submitter submitter = new Submitter(global);
        try {
            Submitter.printAccepted(global.printer(), submitter.api().post(path, ChangesetCodec.toCompactJson(cs)));
        } catch (CscsException e) {
            if (!Submitter.isConflict(e)) {
                throw e;
            }
            // unlike put, rm and apply, a signed file cannot be rebased here: its signatures cover seq and prev
            throw new CscsException(e.code(), e.getMessage() + "; " + resignAdvice(submitter, cs.body().domain()));
        }
    }

    private String resignAdvice(Submitter submitter, String domain) {
        String again = " --out " + file + ", have it cosigned again (cscs cosign), then submit it";
        try {
            Head head = submitter.head(domain);
            return "the chain moved on to seq " + head.seq() + " (head " + head.digest() + "): a signed file cannot be "
                    + "moved onto a new head; sign it again there: cscs sign --domain " + domain + " … --seq "
                    + (head.seq() + 1) + " --prev " + head.digest() + again;
        } catch (CscsException unreadable) {
            return "the chain moved on: a signed file cannot be moved onto a new head; sign it again at the current "
                    + "head: cscs sign --domain " + domain + " … (it reads the head from --endpoint)" + again;
        }
    }
}
