package dev.cscs.cli;

import dev.cscs.cli.command.ApplyCommand;
import dev.cscs.cli.command.AttachSignatureCommand;
import dev.cscs.cli.command.AuditCommand;
import dev.cscs.cli.command.CaCommand;
import dev.cscs.cli.command.CompletionCommand;
import dev.cscs.cli.command.CosignCommand;
import dev.cscs.cli.command.DiffCommand;
import dev.cscs.cli.command.GetCommand;
import dev.cscs.cli.command.HealthCommand;
import dev.cscs.cli.command.HistoryCommand;
import dev.cscs.cli.command.KeygenCommand;
import dev.cscs.cli.command.LsCommand;
import dev.cscs.cli.command.MemberCommand;
import dev.cscs.cli.command.NodeCommand;
import dev.cscs.cli.command.PutCommand;
import dev.cscs.cli.command.RevertCommand;
import dev.cscs.cli.command.RmCommand;
import dev.cscs.cli.command.SignCommand;
import dev.cscs.cli.command.StatusCommand;
import dev.cscs.cli.command.SubmitCommand;
import dev.cscs.cli.command.TrustCommand;
import dev.cscs.cli.command.VerifyCommand;
import dev.cscs.cli.command.WatchCommand;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.error.ExitCode;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cscs} command: verbs, exit codes, and the one place errors are printed. */
@Command(name = "cscs", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Clustered Security Configuration Service: signed, replicated OS security configuration for fleets.", ""},
        subcommands = {KeygenCommand.class, TrustCommand.class, SignCommand.class, CosignCommand.class,
            AttachSignatureCommand.class, VerifyCommand.class, SubmitCommand.class, PutCommand.class, RmCommand.class,
            ApplyCommand.class, DiffCommand.class, RevertCommand.class, GetCommand.class, LsCommand.class,
            HistoryCommand.class, WatchCommand.class, MemberCommand.class, HealthCommand.class, StatusCommand.class,
            AuditCommand.class, CaCommand.class, NodeCommand.class, CompletionCommand.class,
            CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 ok, 1 error, 2 usage, 3 rejected by verification,",
            "4 conflict (rebase and retry), 5 unavailable.", "", "Run `cscs COMMAND --help` for examples, or `./cscs demo` for a tour."})
public final class Cli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: give a verb, e.g. `cscs keygen --help`");
    }

    /** The command line with every CLI verb; the distribution adds {@code server}, {@code agent} and {@code demo}. */
    public static CommandLine commandLine() {
        return configured(new CommandLine(new Cli()));
    }

    /**
     * One verb alone, as {@code cscs NAME}, with errors and exit codes as in the full command
     * line: for an entry point that must not load the other verbs (the edge agent's).
     */
    public static CommandLine single(Object verb, String name) {
        CommandLine cl = configured(new CommandLine(verb));
        cl.setCommandName("cscs " + name);
        return paragraphs(cl);
    }

    private static CommandLine configured(CommandLine cl) {
        cl.setExecutionExceptionHandler((ex, line, parsed) -> handle(ex, line));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        // values are written @FILE (e.g. `cscs put D K @value.json`): never let picocli read them as argument files
        cl.setExpandAtFiles(false);
        return cl;
    }

    /**
     * Descriptions are written as source lines of a summary and a paragraph; joined here into
     * that paragraph so that help wraps it to the terminal instead of breaking it mid-sentence.
     * Call once every verb is added.
     */
    public static CommandLine paragraphs(CommandLine cl) {
        CommandLine.Model.UsageMessageSpec u = cl.getCommandSpec().usageMessage();
        String[] d = u.description();
        if (d.length > 2) {
            u.description(d[0], String.join(" ", java.util.Arrays.copyOfRange(d, 1, d.length)).strip());
        }
        cl.getSubcommands().values().forEach(Cli::paragraphs);
        return cl;
    }

    private static int handle(Exception ex, CommandLine line) {
        Printer printer = printerOf(line);
        if (ex instanceof CscsException) {
            printer.error((CscsException) ex);
            return ((CscsException) ex).code().exit().code();
        }
        if (ex instanceof CommandLine.ParameterException) {
            throw (CommandLine.ParameterException) ex;
        }
        printer.error(new CscsException(ErrorCode.INTERNAL, ex.getClass().getSimpleName()
                + (ex.getMessage() == null ? "" : ": " + ex.getMessage())));
        return ExitCode.ERROR.code();
    }

    private static Printer printerOf(CommandLine line) {
        for (Object mixin : line.getMixins().values()) {
            if (mixin instanceof LocalOptions) {
                return ((LocalOptions) mixin).printer();
            }
        }
        return new Printer(false);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
