package dev.cscs.agent.applier;

import static dev.cscs.agent.applier.Support.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cscs.agent.os.CommandRunner;
import dev.cscs.agent.os.FileState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real sshd checks the drop-in: {@code sshd -t} accepts what the applier writes and refuses a
 * broken one (which is then rolled back), and {@code sshd -T} shows the effective values.
 * sshd runs in a private mount namespace with its own /run (os-tools.md), with a test host key.
 */
class SshdRealTest {
    final SshdApplier sshd = new SshdApplier();
    @TempDir
    Path root;
    @TempDir
    Path work;
    Path hostKey;
    ApplyContext ctx;

    @BeforeEach
    void config() throws Exception {
        Tools.require("sshd", "openssh-server");
        Tools.require("ssh-keygen", "openssh-client");
        Tools.require("unshare", "util-linux");
        hostKey = work.resolve("host_key");
        Tools.run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostKey.toString()).requireOk();
        Path dir = Files.createDirectories(root.resolve("etc/ssh/sshd_config.d"));
        // as on Debian: the Include comes first, so drop-ins override the main file
        Files.writeString(root.resolve(SshdApplier.MAIN), "Include " + dir + "/*.conf\nPort 2222\nPidFile none\n");
        ctx = Support.offline(root, inPrivateRun(CommandRunner.system(), hostKey));
    }

    /** Runs every sshd command in a private mount namespace with a fresh /run and the test host key. */
    static CommandRunner inPrivateRun(CommandRunner real, Path hostKey) {
        return c -> {
            if (!c.argv().get(0).equals("sshd")) {
                return real.run(c);
            }
            List<String> argv = new ArrayList<>(List.of("unshare", "-m", "sh", "-c",
                    "mount -t tmpfs tmpfs /run && mkdir /run/sshd && exec \"$@\"", "sh"));
            argv.addAll(c.argv());
            argv.addAll(List.of("-h", hostKey.toString()));
            return real.run(new CommandRunner.Command(argv, c.stdin(), c.timeout(), c.live()));
        };
    }

    @Test
    void sshdAcceptsTheDropInAndUsesItsValues() {
        Support.converge(sshd, SshdApplierTest.desired(), ctx);
        String effective = ctx.runner().run(CommandRunner.Command.of(ctx.commandTimeout(), "sshd", "-T", "-f",
                root.resolve(SshdApplier.MAIN).toString())).stdout();
        assertThat(effective).contains("permitrootlogin without-password\n", "passwordauthentication no\n", "maxauthtries 3\n",
                "loglevel VERBOSE\n", "ciphers chacha20-poly1305@openssh.com,aes256-gcm@openssh.com\n", "clientaliveinterval 300\n",
                "allowusers admin\n", "allowusers ops@10.0.0.0/8\n", "logingracetime 30\n", "x11forwarding no\n");
    }

    @Test
    void sshdRefusesABrokenDropInAndThePreviousOneComesBack() {
        Support.converge(sshd, SshdApplierTest.desired(), ctx);
        FileState before = FileState.read(root.resolve(SshdApplier.FILE));
        String broken = Support.read(root.resolve(SshdApplier.FILE)).replace("PermitRootLogin prohibit-password", "PermitRootLogin maybe");
        Plan plan = new Plan("sshd", List.of(new FileOp.Write(SshdApplier.FILE, broken)), List.of(), List.of());
        assertThatThrownBy(() -> sshd.apply(plan, ctx)).isInstanceOf(RolledBackException.class)
                .hasMessageContaining("refused the configuration, sshd was not reloaded: exited 255")
                .hasMessageContaining("unsupported option \"maybe\"");
        assertThat(FileState.read(root.resolve(SshdApplier.FILE))).isEqualTo(before);
    }

    @Test
    void verifyNamesTheOptionAnEarlierDropInOverrides() throws Exception {
        Files.writeString(root.resolve("etc/ssh/sshd_config.d/50-cloud-init.conf"), "PasswordAuthentication yes\n");
        Applied applied = sshd.apply(sshd.plan(SshdApplierTest.desired(), ctx), ctx);
        assertThatThrownBy(() -> sshd.verify(applied, ctx))
                .hasMessageStartingWith("sshd: the effective PasswordAuthentication is yes, not no");
    }

    @Test
    void sshdStillAcceptsTheConfigurationOnceTheDropInIsDeleted() {
        Support.converge(sshd, List.of(entry("global", "h", "{\"settings\": {\"PermitRootLogin\": \"no\"}}")), ctx);
        Support.converge(sshd, List.of(), ctx);
        assertThat(root.resolve(SshdApplier.FILE)).doesNotExist();
    }
}
