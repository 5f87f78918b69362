package dev.cscs.agent.applier;

import static dev.cscs.agent.applier.Support.entry;
import static dev.cscs.agent.applier.Support.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cscs.agent.os.CommandRunner;
import dev.cscs.agent.os.FileState;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The sshd applier against a scripted runner (real sshd -t / -T: SshdRealTest). */
class SshdApplierTest {
    static final String HARDENING = """
            {"settings": {"PermitRootLogin": "no", "PasswordAuthentication": false, "MaxAuthTries": 3, "LogLevel": "VERBOSE",
              "Ciphers": ["chacha20-poly1305@openssh.com", "aes256-gcm@openssh.com"], "AllowUsers": ["admin", "ops@10.0.0.0/8"],
              "x11forwarding": "no"}}""";
    static final String SITE = """
            {"settings": {"ClientAliveInterval": 300, "PermitRootLogin": "prohibit-password", "LoginGraceTime": "30s",
              "KexAlgorithms": "-diffie-hellman-group1-sha1"}}""";

    final SshdApplier sshd = new SshdApplier();
    @TempDir
    Path root;

    static List<DesiredEntry> desired() {
        return List.of(entry("global", "hardening", HARDENING), entry("factory-a", "site", SITE));
    }

    @Test
    void rendersOneMergedDropInLikeTheGoldenFile() {
        Plan plan = sshd.plan(desired(), Support.offline(root));
        assertThat(plan.notes()).containsExactly("sshd: PermitRootLogin prohibit-password from factory-a/site overrides no from global/hardening");
        Support.converge(sshd, desired(), Support.offline(root));
        Support.assertGolden("sshd/90-cscs.conf", Support.read(root.resolve(SshdApplier.FILE)));
    }

    /** The staged check: sshd -t of a copy of the main file in the state directory. */
    static boolean staged(CommandRunner.Command c) {
        return c.argv().size() == 4 && c.argv().get(1).equals("-t") && c.argv().get(3).contains("/sshd-check-");
    }

    void mainConfig() throws Exception {
        Files.createDirectories(root.resolve("etc/ssh"));
        Files.writeString(root.resolve(SshdApplier.MAIN), "Include " + root.resolve(SshdApplier.DIR) + "/*.conf\nPort 2222\n");
    }

    @Test
    void sshdChecksAStagedCopyBeforeWritingThenTheLiveFilesAndNothingIsReloadedOffline() throws Exception {
        mainConfig();
        List<String> stagedMain = new ArrayList<>();
        FakeRunner runner = new FakeRunner().on(SshdApplierTest::staged, c -> {
            stagedMain.add(Support.read(Path.of(c.argv().get(3))));
            return FakeRunner.ok("");
        });
        ApplyContext ctx = Support.offline(root, runner);
        Support.converge(sshd, desired(), ctx);
        assertThat(runner.commands).hasSize(3);
        assertThat(staged(runner.commands.get(0))).as(runner.displayed().toString()).isTrue();
        String stagedDir = Path.of(runner.commands.get(0).argv().get(3)).resolveSibling("sshd_config.d").toString();
        assertThat(stagedMain).containsExactly("Include " + stagedDir + "/*.conf\nPort 2222\n");
        assertThat(runner.displayed().subList(1, 3)).containsExactly("sshd -t -f " + root.resolve("etc/ssh/sshd_config"),
                "sshd -T -f " + root.resolve("etc/ssh/sshd_config"));
        assertThat(Path.of(stagedDir).getParent()).as("the scratch copy is removed").doesNotExist();
    }

    @Test
    void aConfigurationSshdRefusesIsNeverWritten() throws Exception {
        mainConfig();
        Support.converge(sshd, desired().subList(0, 1), Support.offline(root));
        FileState before = FileState.read(root.resolve(SshdApplier.FILE));
        FakeRunner refusing = new FakeRunner().on(SshdApplierTest::staged, c -> FakeRunner.fail(255, "line 3: Bad configuration option: X"));
        ApplyContext ctx = Support.offline(root, refusing);
        assertThatThrownBy(() -> sshd.apply(sshd.plan(desired(), ctx), ctx)).isInstanceOf(RolledBackException.class)
                .hasMessageContaining("which was not installed and sshd was not reloaded: exited 255: line 3: Bad configuration option: X");
        assertThat(FileState.read(root.resolve(SshdApplier.FILE))).isEqualTo(before);
        assertThat(refusing.commands).hasSize(1);
    }

    @Test
    void aLiveConfigurationSshdRefusesAfterWritingIsRolledBackByteIdentically() throws Exception {
        mainConfig();
        Support.converge(sshd, desired().subList(0, 1), Support.offline(root));
        FileState before = FileState.read(root.resolve(SshdApplier.FILE));
        // only the check of the live files refuses, as when another drop-in broke between the two checks
        FakeRunner refusing = new FakeRunner().on("sshd -t -f " + root.resolve(SshdApplier.MAIN), FakeRunner.fail(255, "line 3: Bad configuration option: X"));
        ApplyContext ctx = Support.offline(root, refusing);
        assertThatThrownBy(() -> sshd.apply(sshd.plan(desired(), ctx), ctx)).isInstanceOf(RolledBackException.class)
                .hasMessageContaining("refused the configuration, sshd was not reloaded: exited 255: line 3: Bad configuration option: X");
        assertThat(FileState.read(root.resolve(SshdApplier.FILE))).isEqualTo(before);
    }

    /** Stands for the daemon dying (kill -9, power cut): nothing after it runs, no rollback either. */
    static final class Crash extends Error {
        Crash() {
            super("crash");
        }
    }

    @Test
    void aCrashBetweenTheRenameAndTheReloadIsRecoveredAndTheNextPlanWritesChecksAndReloadsAgain() throws Exception {
        mainConfig();
        Files.createDirectories(root.resolve("run"));
        Files.writeString(root.resolve("run/sshd.pid"), "4242\n");
        SshdApplier noSystemd = new SshdApplier(() -> false);
        FakeRunner crashing = new FakeRunner().on("kill -HUP", c -> {
            throw new Crash();
        });
        ApplyContext live = ApplyContext.builder(root).runner(crashing).clock(Support.CLOCK).live(true).build();
        assertThatThrownBy(() -> noSystemd.apply(noSystemd.plan(desired(), live), live)).isInstanceOf(Crash.class);
        assertThat(root.resolve(SshdApplier.FILE)).as("renamed into place, never reloaded").exists();
        // the journal's intent is all recovery needs: no record of its own for the owed reload
        try (var left = Files.list(live.stateDir())) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("intent-sshd.json");
        }

        // the restarted agent recovers before it plans, as Reconciler does
        FakeRunner runner = new FakeRunner();
        ApplyContext restarted = ApplyContext.builder(root).runner(runner).clock(Support.CLOCK).live(true).build();
        SshdApplier fresh = new SshdApplier(() -> false);
        assertThat(fresh.recover(restarted)).isPresent();
        assertThat(root.resolve(SshdApplier.FILE)).doesNotExist();
        Plan again = fresh.plan(desired(), restarted);
        assertThat(again.files()).extracting(FileOp::describe).containsExactly("write " + SshdApplier.FILE);
        assertThat(again.live()).containsExactly(new LiveAction.SshdReload());
        fresh.verify(fresh.apply(again, restarted), restarted);
        assertThat(staged(runner.commands.get(0))).as(runner.displayed().toString()).isTrue();
        assertThat(runner.displayed().subList(1, 4)).containsExactly("sshd -t -f " + root.resolve(SshdApplier.MAIN), "kill -HUP 4242",
                "sshd -T -f " + root.resolve(SshdApplier.MAIN));
        assertThat(fresh.plan(desired(), restarted).isEmpty()).isTrue();
    }

    @Test
    void verifyReportsAnOptionAnEarlierFileOverrides() {
        FakeRunner runner = new FakeRunner().on("sshd -T", FakeRunner.ok("port 22\npasswordauthentication yes\npermitrootlogin no\n"));
        ApplyContext ctx = Support.offline(root, runner);
        Applied applied = sshd.apply(sshd.plan(desired().subList(0, 1), ctx), ctx);
        assertThatThrownBy(() -> sshd.verify(applied, ctx)).isInstanceOf(CscsException.class)
                .hasMessage("sshd: the effective PasswordAuthentication is yes, not no: a configuration file read before "
                        + "etc/ssh/sshd_config.d/90-cscs.conf sets it, and sshd keeps the first value");
    }

    @Test
    void deletingTheKeysRemovesTheDropInButNoUnmanagedFile() throws Exception {
        ApplyContext ctx = Support.offline(root);
        Support.converge(sshd, desired(), ctx);
        Files.writeString(root.resolve("etc/ssh/sshd_config.d/50-local.conf"), "Port 2200\n");
        Support.converge(sshd, List.of(), ctx);
        assertThat(root.resolve(SshdApplier.FILE)).doesNotExist();
        assertThat(root.resolve("etc/ssh/sshd_config.d/50-local.conf")).exists();
        Files.writeString(root.resolve(SshdApplier.FILE), "PermitRootLogin yes\n");
        assertThat(sshd.plan(desired(), ctx).conflicts()).extracting(Plan.Conflict::message)
                .singleElement().asString().contains("refusing to replace " + SshdApplier.FILE);
    }

    @Test
    void rollbackRestoresByteIdenticalFile() {
        ApplyContext ctx = Support.offline(root);
        Support.converge(sshd, desired().subList(1, 2), ctx);
        FileState before = FileState.read(root.resolve(SshdApplier.FILE));
        Applied applied = sshd.apply(sshd.plan(desired(), ctx), ctx);
        sshd.rollback(applied, ctx);
        assertThat(FileState.read(root.resolve(SshdApplier.FILE))).isEqualTo(before);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '¦', textBlock = """
            newline injects Match        ¦ h    ¦ {"settings": {"PermitRootLogin": "no\\nMatch all\\nPermitRootLogin yes"}} ¦ sshd/h: field "settings.PermitRootLogin" contains a line break (U+000A) at index 2
            Match block                  ¦ h    ¦ {"settings": {"Match": "User root"}} ¦ field "settings.Match" sets Match, which cscs does not allow
            Include                      ¦ h    ¦ {"settings": {"include": "/tmp/evil.conf"}} ¦ field "settings.include" sets include, which cscs does not allow
            ForceCommand runs commands   ¦ h    ¦ {"settings": {"ForceCommand": "/bin/sh -c id"}} ¦ sets ForceCommand, which cscs does not allow: it runs a command
            unknown option               ¦ h    ¦ {"settings": {"PermitRootLogn": "no"}} ¦ field "settings.PermitRootLogn" sets unknown or unsupported sshd option "PermitRootLogn"
            bad choice                   ¦ h    ¦ {"settings": {"PermitRootLogin": "maybe"}} ¦ field "settings.PermitRootLogin" must be one of forced-commands-only, no, prohibit-password, without-password, yes, got "maybe"
            second token                 ¦ h    ¦ {"settings": {"PasswordAuthentication": "no yes"}} ¦ must be one of no, yes, got "no yes"
            shell in AllowUsers          ¦ h    ¦ {"settings": {"AllowUsers": "root;reboot"}} ¦ field "settings.AllowUsers" must be user or group patterns
            command substitution         ¦ h    ¦ {"settings": {"Ciphers": "$(id)"}} ¦ field "settings.Ciphers" must be a comma-separated list of algorithm names
            banner sends any file        ¦ h    ¦ {"settings": {"Banner": "/etc/shadow"}} ¦ sshd/h: field "settings.Banner" names "/etc/shadow": sshd sends the Banner file to every client before login, so it may only be none, /etc/issue or /etc/issue.net
            relative banner              ¦ h    ¦ {"settings": {"Banner": "../../etc/shadow"}} ¦ field "settings.Banner" names "../../etc/shadow": sshd sends the Banner file
            dot-dot banner               ¦ h    ¦ {"settings": {"Banner": "/etc/../etc/issue"}} ¦ field "settings.Banner" names "/etc/../etc/issue"
            banner via symlink-ish path  ¦ h    ¦ {"settings": {"Banner": "/etc/issue.net/"}} ¦ field "settings.Banner" names "/etc/issue.net/"
            path as a user pattern       ¦ h    ¦ {"settings": {"AllowUsers": "/etc/shadow"}} ¦ field "settings.AllowUsers" must be user or group patterns
            number out of range          ¦ h    ¦ {"settings": {"MaxAuthTries": 0}} ¦ field "settings.MaxAuthTries" is 0; it must be from 1 to 100
            same option twice            ¦ h    ¦ {"settings": {"PermitRootLogin": "no", "permitrootlogin": "yes"}} ¦ sets PermitRootLogin again (also as PermitRootLogin)
            settings not an object       ¦ h    ¦ {"settings": "PermitRootLogin no"} ¦ field "settings" must be an object of sshd options, got a string
            slash in name                ¦ a/b  ¦ {"settings": {}} ¦ key name contains '/'
            dot-dot in name              ¦ a..b ¦ {"settings": {}} ¦ key name contains '..'
            """)
    void validateRejectsHostileValuesWithAPreciseMessage(String why, String name, String value, String message) {
        assertThatThrownBy(() -> sshd.validate(name, json(value)))
                .isInstanceOfSatisfying(CscsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_VALUE))
                .hasMessageContaining(message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '¦', textBlock = """
            AuthorizedKeysFile          ¦ /etc/shadow
            AuthorizedPrincipalsFile    ¦ /etc/shadow
            AuthorizedKeysCommand       ¦ /bin/sh -c id
            AuthorizedKeysCommandUser   ¦ root
            AuthorizedPrincipalsCommand ¦ /bin/sh -c id
            HostKey                     ¦ /etc/shadow
            HostCertificate             ¦ /etc/shadow
            HostKeyAgent                ¦ /run/agent.sock
            TrustedUserCAKeys           ¦ /tmp/ca.pub
            RevokedKeys                 ¦ /dev/null
            ChrootDirectory             ¦ /
            ForceCommand                ¦ /bin/sh
            Subsystem                   ¦ sftp /bin/sh
            PidFile                     ¦ /etc/passwd
            ModuliFile                  ¦ /etc/shadow
            SecurityKeyProvider         ¦ /tmp/evil.so
            Include                     ¦ /etc/shadow
            XAuthLocation               ¦ /tmp/xauth
            SshdSessionPath             ¦ /tmp/sshd-session
            SshdAuthPath                ¦ /tmp/sshd-auth
            """)
    void everyOptionThatNamesAFileOrACommandIsRefusedByName(String option, String value) {
        assertThatThrownBy(() -> sshd.validate("h", json("{\"settings\": {\"" + option + "\": \"" + value + "\"}}")))
                .isInstanceOfSatisfying(CscsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_VALUE))
                .hasMessage("sshd/h: field \"settings." + option + "\" sets " + option + ", which cscs does not allow: it runs a "
                        + "command, reads or writes a file a value could point anywhere, or opens a Match/Include block");
    }

    @ParameterizedTest
    @CsvSource({"none", "/etc/issue", "/etc/issue.net"})
    void bannerTakesNoneOrAPublicLoginBanner(String banner) {
        assertThat(sshd.settings("h", json("{\"settings\": {\"Banner\": \"" + banner + "\"}}"))).containsEntry("Banner", banner);
    }

    @Test
    void validateRejectsOversizedValues() {
        StringBuilder many = new StringBuilder("{\"settings\": {");
        for (int i = 0; i < 65; i++) {
            many.append(i == 0 ? "" : ", ").append("\"Opt").append(i).append("\": \"no\"");
        }
        assertThatThrownBy(() -> sshd.validate("h", json(many + "}}")))
                .hasMessage("sshd/h: field \"settings\" has 65 options; at most 64");
        assertThatThrownBy(() -> sshd.validate("h", json("{\"settings\": {\"AllowUsers\": \"" + "a".repeat(129) + "\"}}")))
                .hasMessage("sshd/h: field \"settings.AllowUsers\" is 129 characters long; at most 128");
    }
}
