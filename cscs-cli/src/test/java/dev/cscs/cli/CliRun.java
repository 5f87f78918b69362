package dev.cscs.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the {@code cscs} command line in-process and keeps its exit code and output. */
public record CliRun(int exit, String out, String err, byte[] rawOut) {
    public static CliRun of(String... args) {
        return run(Cli.commandLine(), args);
    }

    /** Runs {@code cl} (e.g. the distribution's, with the daemon verbs) with {@code args}. */
    public static synchronized CliRun run(picocli.CommandLine cl, String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = cl.execute(args);
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
