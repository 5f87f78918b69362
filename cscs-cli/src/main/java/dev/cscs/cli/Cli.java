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
import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cscs} command: verbs, exit codes, and the one place errors are printed. */
@Command(name = "cscs", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Clustered Security Configuration Service: signed, replicated OS security configuration for fleets.", ""},
        footer = {"", "Exit codes: 0 ok, 1 error, 2 usage, 3 rejected by verification,",
            "4 conflict (rebase and retry), 5 unavailable.", "", "Run `cscs COMMAND --help` for examples, or `./cscs demo` for a tour."})
public final class Cli implements Runnable {
    /** Verbs that read the whole command tree. */
    private static final Set<String> WHOLE_TREE = Set.of("help", "completion");
    private static final Set<String> VERSION = Set.of("--version", "-V");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: give a verb, e.g. `cscs keygen --help`");
    }

    /**
     * Every CLI verb, in the order help lists them, each made only when asked for: picocli reads a
     * verb's annotations (and those of its options and subcommands) when the verb is added, and
     * that, not the JVM, was most of a short verb's start-up. Each name is its class's
     * {@code @Command} name (a test holds them equal).
     */
    public static Map<String, Supplier<Object>> verbs() {
        Map<String, Supplier<Object>> v = new LinkedHashMap<>();
        v.put("keygen", KeygenCommand::new);
        v.put("trust", TrustCommand::new);
        v.put("sign", SignCommand::new);
        v.put("cosign", CosignCommand::new);
        v.put("attach-signature", AttachSignatureCommand::new);
        v.put("verify", VerifyCommand::new);
        v.put("submit", SubmitCommand::new);
        v.put("put", PutCommand::new);
        v.put("rm", RmCommand::new);
        v.put("apply", ApplyCommand::new);
        v.put("diff", DiffCommand::new);
        v.put("revert", RevertCommand::new);
        v.put("get", GetCommand::new);
        v.put("ls", LsCommand::new);
        v.put("history", HistoryCommand::new);
        v.put("watch", WatchCommand::new);
        v.put("member", MemberCommand::new);
        v.put("health", HealthCommand::new);
        v.put("status", StatusCommand::new);
        v.put("audit", AuditCommand::new);
        v.put("ca", CaCommand::new);
        v.put("node", NodeCommand::new);
        v.put("completion", CompletionCommand::new);
        v.put("help", CommandLine.HelpCommand::new);
        return v;
    }

    /** The command line with every CLI verb; the distribution adds {@code server}, {@code agent} and {@code demo}. */
    public static CommandLine commandLine() {
        return commandLine(verbs());
    }

    /** The command line with every verb of {@code verbs}. */
    public static CommandLine commandLine(Map<String, Supplier<Object>> verbs) {
        CommandLine cl = configured(new CommandLine(new Cli()));
        verbs.forEach((name, verb) -> cl.addSubcommand(name, verb.get()));
        return paragraphs(cl);
    }

    /**
     * The command line that runs {@code args}: with only the verb they name, and every verb
     * when they name none (help, a typo that picocli answers with the nearest verbs) or one
     * that shows the others ({@code help}, {@code completion}).
     */
    public static CommandLine commandLine(Map<String, Supplier<Object>> verbs, String... args) {
        String first = args.length == 0 ? "" : args[0];
        Supplier<Object> verb = WHOLE_TREE.contains(first) ? null : verbs.get(first);
        if (verb == null) {
            return commandLine(verbs);
        }
        CommandLine cl = configured(new CommandLine(new Cli()));
        cl.addSubcommand(first, verb.get());
        return paragraphs(cl);
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
            u.description(d[0], String.join(" ", Arrays.copyOfRange(d, 1, d.length)).strip());
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

    /**
     * Answers {@code cscs --version} (or {@code -V}) alone with picocli's lines, before any
     * command line is built: the JVM's start is then all it costs. False for any other arguments.
     */
    public static boolean printedVersion(PrintStream out, String... args) {
        if (args.length != 1 || !VERSION.contains(args[0])) {
            return false;
        }
        for (String line : new Version().getVersion()) {
            out.println(line);
        }
        out.flush();
        return true;
    }

    /** Runs {@code args} against {@code verbs} and gives the exit code. */
    public static int run(Map<String, Supplier<Object>> verbs, String... args) {
        if (printedVersion(System.out, args)) {
            return 0;
        }
        return commandLine(verbs, args).execute(args);
    }

    public static void main(String[] args) {
        System.exit(run(verbs(), args));
    }
}
