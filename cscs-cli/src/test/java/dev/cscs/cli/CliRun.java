package dev.cscs.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Supplier;
import picocli.CommandLine;

/** Runs the {@code cscs} command line in-process and keeps its exit code and output. */
public record CliRun(int exit, String out, String err, byte[] rawOut) {
    public static CliRun of(String... args) {
        return run(Cli::commandLine, args);
    }

    /** {@link #run} with {@code --endpoint ENDPOINT} after {@code args}. */
    public static CliRun at(String endpoint, Supplier<CommandLine> cli, String... args) {
        String[] all = Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--endpoint";
        all[args.length + 1] = endpoint;
        return run(cli, all);
    }

    /**
     * Runs a command line (e.g. the distribution's, with the daemon verbs) with {@code args}; it
     * is made after stdout is redirected, because picocli binds its writers when it is built.
     */
    public static synchronized CliRun run(Supplier<CommandLine> cli, String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = cli.get().execute(args);
            return new CliRun(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), out.toByteArray());
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    public CliRun ok() {
        if (exit != 0) {
            throw new AssertionError("exit " + exit + "\nout: " + out + "\nerr: " + err);
        }
        return this;
    }
}
