package dev.cscs.agent.applier;

import static dev.cscs.agent.applier.Support.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cscs.agent.os.FileState;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live paths that need systemd as PID 1 (service masks, sshd reload), against a scripted
 * systemctl: this machine has no systemd to talk to, and a test must never stop host services.
 */
class SystemdLiveTest {
    @TempDir
    Path root;

    ApplyContext live(FakeRunner runner) {
        return ApplyContext.builder(root).runner(runner).clock(Support.CLOCK).live(true).build();
    }

    @Test
    void maskingARunningUnitReloadsSystemdThenStopsIt() {
        FakeRunner systemctl = new FakeRunner()
                .on("systemctl is-active telnet.socket", FakeRunner.ok("active\n"))
                .on("systemctl is-active rsh.service", FakeRunner.fail(3, ""))
                .on("systemctl is-enabled", FakeRunner.ok("masked\n"));
        ServiceApplier service = new ServiceApplier(() -> true);
        ApplyContext ctx = live(systemctl);
        Plan plan = service.plan(List.of(entry("global", "telnet.socket", "{\"state\": \"masked\"}"),
                entry("global", "rsh.service", "{\"state\": \"masked\"}")), ctx);
        assertThat(plan.live()).containsExactly(new LiveAction.SystemdReload(), new LiveAction.UnitStop("telnet.socket"));
        Applied applied = service.apply(plan, ctx);
        service.verify(applied, ctx);
        assertThat(systemctl.displayed()).containsSubsequence("systemctl daemon-reload", "systemctl stop telnet.socket",
                "systemctl is-enabled telnet.socket");
        assertThat(systemctl.displayed()).noneMatch(c -> c.contains("--root"));
    }

    @Test
    void rollbackRestoresTheFilesThenStartsWhatItStopped() {
        FakeRunner systemctl = new FakeRunner().on("systemctl is-active telnet.socket", FakeRunner.ok("active\n"));
        ServiceApplier service = new ServiceApplier(() -> true);
        ApplyContext ctx = live(systemctl);
        Applied applied = service.apply(service.plan(List.of(entry("global", "telnet.socket", "{\"state\": \"masked\"}")), ctx), ctx);
        systemctl.commands.clear();
        service.rollback(applied, ctx);
        assertThat(root.resolve("etc/systemd/system/telnet.socket")).doesNotExist();
        assertThat(systemctl.displayed()).containsExactly("systemctl daemon-reload", "systemctl start telnet.socket",
                "systemctl daemon-reload");
    }

    @Test
    void aUnitThatWillNotStopRollsBackTheMask() {
        FakeRunner systemctl = new FakeRunner()
                .on("systemctl is-active", FakeRunner.ok("active\n"))
                .on("systemctl stop", FakeRunner.fail(1, "Job for telnet.socket canceled."));
        ServiceApplier service = new ServiceApplier(() -> true);
        ApplyContext ctx = live(systemctl);
        Plan plan = service.plan(List.of(entry("global", "telnet.socket", "{\"state\": \"masked\"}")), ctx);
        assertThatThrownBy(() -> service.apply(plan, ctx)).isInstanceOf(RolledBackException.class)
                .hasMessageContaining("`systemctl stop telnet.socket` exited 1: Job for telnet.socket canceled.");
        assertThat(FileState.read(root.resolve("etc/systemd/system/telnet.socket"))).isEqualTo(FileState.ABSENT);
        assertThat(systemctl.displayed()).endsWith("systemctl daemon-reload");
    }

    @Test
    void withoutSystemdTheMaskIsWrittenAndTheSkipNoted() {
        FakeRunner systemctl = new FakeRunner().on("systemctl", FakeRunner.ok("masked\n"));
        ServiceApplier service = new ServiceApplier(() -> false);
        ApplyContext ctx = live(systemctl);
        Plan plan = service.plan(List.of(entry("global", "telnet.socket", "{\"state\": \"masked\"}")), ctx);
        assertThat(plan.live()).isEmpty();
        assertThat(plan.notes()).containsExactly("service: systemd is not PID 1 here; units are masked or disabled on disk only");
        service.verify(service.apply(plan, ctx), ctx);
        assertThat(systemctl.displayed()).containsExactly("systemctl --root=" + root + " is-enabled telnet.socket");
    }

    @Test
    void sshdIsReloadedThroughItsActiveUnitAfterTheCheck() {
        FakeRunner runner = new FakeRunner()
                .on("systemctl is-active --quiet ssh.service", FakeRunner.fail(3, ""))
                .on("systemctl is-active --quiet sshd.service", FakeRunner.ok(""));
        SshdApplier sshd = new SshdApplier(() -> true);
        ApplyContext ctx = live(runner);
        Plan plan = sshd.plan(SshdApplierTest.desired(), ctx);
        assertThat(plan.live()).containsExactly(new LiveAction.SshdReload());
        Applied applied = sshd.apply(plan, ctx);
        assertThat(runner.displayed()).containsSubsequence("sshd -t -f " + root.resolve("etc/ssh/sshd_config"),
                "systemctl is-active --quiet ssh.service", "systemctl is-active --quiet sshd.service", "systemctl reload sshd.service");
        runner.commands.clear();
        sshd.rollback(applied, ctx);
        assertThat(root.resolve(SshdApplier.FILE)).doesNotExist();
        assertThat(runner.displayed()).endsWith("systemctl reload sshd.service");
    }

    @Test
    void aConfigurationSshdRefusesIsNeverReloaded() {
        FakeRunner runner = new FakeRunner().on("sshd -t", FakeRunner.fail(255, "line 1: Bad configuration option"));
        SshdApplier sshd = new SshdApplier(() -> true);
        ApplyContext ctx = live(runner);
        Plan plan = sshd.plan(SshdApplierTest.desired(), ctx);
        assertThatThrownBy(() -> sshd.apply(plan, ctx)).isInstanceOf(RolledBackException.class);
        assertThat(runner.displayed()).noneMatch(c -> c.contains("reload"));
        assertThat(root.resolve(SshdApplier.FILE)).doesNotExist();
    }
}
