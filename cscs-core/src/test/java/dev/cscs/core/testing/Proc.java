package dev.cscs.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a real OS tool for a test, with a deadline, and keeps what it printed. */
public final class Proc {
    public record Result(int exit, String out, String err) {
        public Result requireOk() {
            if (exit != 0) {
                throw new AssertionError("exit " + exit + "\nstdout: " + out + "\nstderr: " + err);
            }
            return this;
        }
    }

    private Proc() {
    }

    public static Result run(List<String> command) {
        return run(command, 60);
    }

    public static Result run(List<String> command, int timeoutSeconds) {
        try {
            Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread errPump = new Thread(() -> copy(p.getErrorStream(), err));
            errPump.start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            copy(p.getInputStream(), out);
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(command + " did not finish within " + timeoutSeconds + " s");
            }
            errPump.join();
            return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0) + " (is it installed? .ci/run installs it)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try (in) {
            in.transferTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
