package dev.cscs.cli.command;

import dev.cscs.cli.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "trust", mixinStandardHelpOptions = true, versionProvider = Version.class, description = "Create and inspect the trust policy: roots, operators, domain signers.",
        subcommands = {TrustInitCommand.class, TrustShowCommand.class, TrustUpdateCommand.class},
        footer = {"", "Examples:",
            "  cscs trust init --root root1.pub --domain factory-a=ops.pub \\",
            "      --sign-with root1.key --out genesis.json"})
public final class TrustCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: init, show or update");
    }
}
