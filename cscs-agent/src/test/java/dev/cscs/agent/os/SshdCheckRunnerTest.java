package dev.cscs.agent.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SshdCheckRunnerTest {
    @TempDir
    Path dir;

    private List<List<String>> seen(Path privsep, CommandRunner.Command c) {
        List<List<String>> seen = new ArrayList<>();
        new SshdCheckRunner(cmd -> {
            seen.add(cmd.argv());
            return new CommandRunner.Result(0, "", "", false);
        }, privsep, new ToolPath(fakeSshdDir().toString())).run(c);
        return seen;
    }

    private Path fakeSshdDir() {
        try {
            Path bin = Files.createDirectories(dir.resolve("bin"));
            Path sshd = bin.resolve("sshd");
            if (!Files.exists(sshd)) {
                Files.writeString(sshd, "#!/bin/sh\n");
                sshd.toFile().setExecutable(true);
            }
            return bin;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aMissingSshdIsReportedAsNotInstalledNotAsARefusedConfiguration() throws Exception {
        Path emptyBin = Files.createDirectories(dir.resolve("empty-bin"));
        ToolPath tools = new ToolPath(emptyBin.toString());
        CommandRunner runner = new SshdCheckRunner(new ProcessCommandRunner(List.of(), tools), dir.resolve("missing"), tools);
        var check = CommandRunner.Command.of(Duration.ofSeconds(5), "sshd", "-t", "-f", "/etc/ssh/sshd_config");
        assertThatThrownBy(() -> runner.run(check))
                .isInstanceOfSatisfying(CscsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.IO))
                .hasMessage("sshd is not installed (looked for it on PATH " + emptyBin
                        + "); install it, or add its directory to the PATH the agent runs with");
    }

    @Test
    void aCheckRunsInAPrivateMountNamespaceWhenTheHostHasNoPrivsepDir() {
        var c = CommandRunner.Command.of(Duration.ofSeconds(5), "sshd", "-t", "-f", "/root/etc/ssh/sshd_config");
        List<String> argv = seen(dir.resolve("missing"), c).get(0);
        if ("root".equals(System.getProperty("user.name"))) {
            assertThat(argv).startsWith("unshare", "-m").endsWith("sshd", "-t", "-f", "/root/etc/ssh/sshd_config");
        } else {
            assertThat(argv).containsExactly("sshd", "-t", "-f", "/root/etc/ssh/sshd_config");
        }
    }

    @Test
    void otherCommandsAndHostsWithSshdRunningAreUntouched() throws Exception {
        Files.createDirectories(dir.resolve("run-sshd"));
        var check = CommandRunner.Command.of(Duration.ofSeconds(5), "sshd", "-T", "-f", "x");
        assertThat(seen(dir.resolve("run-sshd"), check).get(0)).containsExactly("sshd", "-T", "-f", "x");
        var other = CommandRunner.Command.of(Duration.ofSeconds(5), "nft", "-c", "-f", "x");
        assertThat(seen(dir.resolve("missing"), other).get(0)).containsExactly("nft", "-c", "-f", "x");
    }

    @Test
    void theRealCheckWorksWithoutTouchingTheHostsRun() throws Exception {
        Path key = dir.resolve("key");
        new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString()).start().waitFor();
        Files.writeString(dir.resolve("sshd_config"), "HostKey " + key + "\nPidFile none\nPermitRootLogin no\n");
        var r = SshdCheckRunner.system().run(CommandRunner.Command.of(Duration.ofSeconds(20), "sshd", "-t", "-f",
                dir.resolve("sshd_config").toString()));
        assertThat(r.exit()).as(r.stderr()).isZero();
        var bad = Files.writeString(dir.resolve("bad_config"), "HostKey " + key + "\nPermitRootLogin maybe\n");
        assertThat(SshdCheckRunner.system().run(CommandRunner.Command.of(Duration.ofSeconds(20), "sshd", "-t", "-f",
                bad.toString())).exit()).isNotZero();
    }
}
