package dev.cscs.agent.applier;

import static dev.cscs.agent.applier.Support.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cscs.agent.os.CommandRunner;
import dev.cscs.agent.os.FileState;
import dev.cscs.agent.os.SshdCheckRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real sshd checks the drop-in: {@code sshd -t} accepts what the applier writes and refuses a
 * broken one before it is installed, and {@code sshd -T} shows the effective values. The
 * checks run through the agent's own {@link SshdCheckRunner}: in a private mount namespace with
 * its own /run (os-tools.md), with a test host key named in the main file.
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
        Files.writeString(root.resolve(SshdApplier.MAIN), "Include " + dir + "/*.conf\nPort 2222\nPidFile none\nHostKey "
                + hostKey + "\n");
        ctx = Support.offline(root, SshdCheckRunner.system());
    }

    /** The live drop-in's content each time sshd checks a configuration, staged or live. */
    static CommandRunner recordingLiveFile(CommandRunner real, Path live, List<String> seen) {
        return c -> {
            if (c.argv().contains("-t")) {
                seen.add(Files.exists(live) ? Support.read(live) : "(absent)");
            }
            return real.run(c);
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
    void aDropInSshdRefusesIsNeverInstalledNotEvenWhileSshdChecksIt() throws Exception {
        Support.converge(sshd, SshdApplierTest.desired(), ctx);
        Path live = root.resolve(SshdApplier.FILE);
        FileState before = FileState.read(live);
        Object inode = Files.readAttributes(live, BasicFileAttributes.class).fileKey();
        String good = Support.read(live);
        String broken = good.replace("PermitRootLogin prohibit-password", "PermitRootLogin maybe");
        List<String> seen = new ArrayList<>();
        ApplyContext watched = Support.offline(root, recordingLiveFile(SshdCheckRunner.system(), live, seen));
        Plan plan = new Plan("sshd", List.of(new FileOp.Write(SshdApplier.FILE, broken)), List.of(), List.of());
        assertThatThrownBy(() -> sshd.apply(plan, watched)).isInstanceOf(RolledBackException.class)
                .hasMessageContaining("refused the configuration with the new " + SshdApplier.FILE + ", which was not installed")
                .hasMessageContaining("unsupported option \"maybe\"");
        assertThat(seen).as("the live drop-in whenever sshd -t ran").containsExactly(good);
        assertThat(FileState.read(live)).isEqualTo(before);
        assertThat(Files.readAttributes(live, BasicFileAttributes.class).fileKey()).as("the same file, never replaced").isEqualTo(inode);
        try (var left = Files.list(ctx.stateDir())) {
            assertThat(left).as("scratch directories of the staged check").isEmpty();
        }
    }

    @Test
    void theStagedCheckSeesTheNewDropInNotTheLiveOne() {
        Support.converge(sshd, List.of(entry("global", "h", "{\"settings\": {\"PermitRootLogin\": \"no\"}}")), ctx);
        // the live file is valid; only the staged one is broken, so only a check of the staged copy refuses
        Plan plan = new Plan("sshd", List.of(new FileOp.Write(SshdApplier.FILE, "MaxAuthTries many\n")), List.of(), List.of());
        assertThatThrownBy(() -> sshd.apply(plan, ctx)).isInstanceOf(RolledBackException.class)
                .hasMessageContaining("which was not installed").hasMessageContaining("MaxAuthTries");
        assertThat(Support.read(root.resolve(SshdApplier.FILE))).contains("PermitRootLogin no");
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
