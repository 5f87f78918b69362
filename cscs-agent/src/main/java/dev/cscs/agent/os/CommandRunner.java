package dev.cscs.agent.os;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Runs one OS tool with a deadline and captures its exit code, stdout and stderr. Commands are
 * argv lists and never go through a shell, so no value can be interpreted as shell syntax.
 *
 * <p>A command marked {@link Command#live() live} reads or changes live kernel or service state
 * (sysctl, nft, systemctl). The {@linkplain #system(List) system runner} puts its prefix in front
 * of those only, which is how tests run them inside a network namespace they created.
 */
@FunctionalInterface
public interface CommandRunner {

    Result run(Command command);

    /** The real runner: no prefix, live commands run in the agent's own namespaces. */
    static CommandRunner system() {
        return new ProcessCommandRunner(List.of(), ToolPath.system());
    }

    /** The real runner with a prefix for live commands, e.g. {@code [ip, netns, exec, NS]}. */
    static CommandRunner system(List<String> livePrefix) {
        return new ProcessCommandRunner(livePrefix, ToolPath.system());
    }

    /** One invocation; {@code stdin} may be empty. */
    record Command(List<String> argv, byte[] stdin, Duration timeout, boolean live) {
        public Command {
            argv = List.copyOf(argv);
            if (argv.isEmpty()) {
                throw new IllegalArgumentException("empty command");
            }
            stdin = stdin == null ? new byte[0] : stdin.clone();
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive: " + timeout);
            }
        }

        /** A command that only reads files or checks them (dnf, sshd -t, systemctl --root). */
        public static Command of(Duration timeout, String... argv) {
            return new Command(List.of(argv), null, timeout, false);
        }

        /** A command that reads or changes live kernel or service state. */
        public static Command live(Duration timeout, String... argv) {
            return new Command(List.of(argv), null, timeout, true);
        }

        public Command withStdin(byte[] input) {
            return new Command(argv, input, timeout, live);
        }

        @Override
        public byte[] stdin() {
            return stdin.clone();
        }

        /** The argv joined for messages and logs (never executed as a string). */
        public String display() {
            return String.join(" ", argv);
        }
    }

    /** What a command did. {@code timedOut} means it was killed at its deadline. */
    record Result(int exit, String stdout, String stderr, boolean timedOut) {
        public boolean ok() {
            return exit == 0 && !timedOut;
        }

        /** This result, or a {@link CscsException} naming the command, its exit and its stderr. */
        public Result orThrow(ErrorCode code, String what, Command command) {
            if (ok()) {
                return this;
            }
            throw new CscsException(code, what + ": `" + command.display() + "` " + describeFailure());
        }

        public String describeFailure() {
            if (timedOut) {
                return "did not finish in time and was killed";
            }
            String detail = firstLines(stderr.isBlank() ? stdout : stderr, 5);
            return "exited " + exit + (detail.isEmpty() ? "" : ": " + detail);
        }

        private static String firstLines(String text, int max) {
            String[] lines = text.strip().split("\n", max + 1);
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < Math.min(lines.length, max); i++) {
                if (i > 0) {
                    b.append(" | ");
                }
                b.append(lines[i].strip());
            }
            return b.toString();
        }
    }
}
