package dev.cscs.dist.demo;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** One progress line per step, with its timing; a failing step says which and why. */
final class Steps {
    /** A step's body; it returns the line to print after the step name. */
    @FunctionalInterface
    interface Body {
        String run() throws Exception;
    }

    static final class Failed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int step;
        final String name;

        Failed(int step, String name, Throwable cause) {
            super(cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage(), cause);
            this.step = step;
            this.name = name;
        }
    }

    private final PrintStream out;
    private final int total;
    private int n;
    private final List<String> details = new ArrayList<>();

    Steps(PrintStream out, int total) {
        this.out = out;
        this.total = total;
    }

    void run(String name, Body body) {
        n++;
        out.printf(Locale.ROOT, "[%d/%d] %s ... ", n, total, name);
        out.flush();
        long t0 = System.nanoTime();
        try {
            String result = body.run();
            out.printf(Locale.ROOT, "%s (%.1f s)%n", result, (System.nanoTime() - t0) / 1e9);
        } catch (Exception | AssertionError e) {
            out.println("FAILED");
            throw new Failed(n, name, e);
        } finally {
            details.forEach(d -> out.println("      " + d));
            details.clear();
        }
    }

    /** A line shown under the step's result. */
    void detail(String line) {
        details.add(line);
    }
}
