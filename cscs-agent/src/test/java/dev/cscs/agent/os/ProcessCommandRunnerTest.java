package dev.cscs.agent.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cscs.agent.os.CommandRunner.Command;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProcessCommandRunnerTest {
    static final Duration T = Duration.ofSeconds(20);

    @Test
    void capturesStdoutStderrAndExitAndFeedsStdin() {
        CommandRunner.Result r = CommandRunner.system().run(new Command(List.of("sh", "-c", "cat; echo err >&2; exit 3"),
                "hello".getBytes(StandardCharsets.UTF_8), T, false));
        assertThat(r).isEqualTo(new CommandRunner.Result(3, "hello", "err\n", false));
        assertThat(r.ok()).isFalse();
        assertThat(r.describeFailure()).isEqualTo("exited 3: err");
    }

    @Test
    void aCommandPastItsDeadlineIsKilledWithItsChildren() {
        long start = System.nanoTime();
        CommandRunner.Result r = CommandRunner.system().run(new Command(List.of("sh", "-c", "sleep 30 & sleep 30; wait"),
                null, Duration.ofMillis(300), false));
        assertThat(r.timedOut()).isTrue();
        assertThat(r.describeFailure()).isEqualTo("did not finish in time and was killed");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void thePrefixWrapsLiveCommandsOnly() {
        CommandRunner runner = CommandRunner.system(List.of("env", "CSCS_PREFIXED=1"));
        assertThat(runner.run(Command.live(T, "sh", "-c", "echo ${CSCS_PREFIXED:-0}")).stdout()).isEqualTo("1\n");
        assertThat(runner.run(Command.of(T, "sh", "-c", "echo ${CSCS_PREFIXED:-0}")).stdout()).isEqualTo("0\n");
    }

    @Test
    void toolsRunInTheCLocale() {
        assertThat(CommandRunner.system().run(Command.of(T, "sh", "-c", "echo $LC_ALL")).stdout()).isEqualTo("C\n");
    }

    @Test
    void aMissingToolIsAnIoError() {
        assertThatThrownBy(() -> CommandRunner.system().run(Command.of(T, "/nonexistent/tool")))
                .isInstanceOfSatisfying(CscsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.IO))
                .hasMessage("/nonexistent/tool is not installed (no executable file there)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sshd", "nft", "sysctl", "systemctl", "dnf", "apt-get"})
    void everyToolAnApplierRunsIsNamedAsNotInstalledWithThePathItWasLookedFor(String tool, @TempDir Path empty) {
        ToolPath tools = new ToolPath(empty + ":" + empty.resolve("also-empty"));
        // a live prefix (ip netns exec in the tests) must not hide the missing tool behind its own failure
        CommandRunner runner = new ProcessCommandRunner(List.of("env"), tools);
        for (Command c : List.of(Command.of(T, tool, "--version"), Command.live(T, tool, "--version"))) {
            assertThatThrownBy(() -> runner.run(c))
                    .isInstanceOfSatisfying(CscsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.IO))
                    .hasMessageStartingWith(tool + " is not installed (looked for it on PATH " + empty + ":" + empty
                            + "/also-empty); install it");
        }
    }

    @Test
    void orThrowNamesTheCommand() {
        Command c = Command.of(T, "false");
        assertThatThrownBy(() -> CommandRunner.system().run(c).orThrow(ErrorCode.IO, "test", c))
                .hasMessage("test: `false` exited 1");
    }
}
