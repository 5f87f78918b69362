package dev.cscs.cli.command;

import dev.cscs.cli.CliFiles;
import dev.cscs.cli.GlobalOptions;
import dev.cscs.cli.http.ApiClient;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Names;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "submit", mixinStandardHelpOptions = true, versionProvider = dev.cscs.cli.Version.class,
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
        Submitter.printAccepted(global.printer(), new ApiClient(global).post(path, ChangesetCodec.toCompactJson(cs)));
    }
}
