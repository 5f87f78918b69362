package dev.cscs.agent.applier;

import static dev.cscs.agent.applier.Support.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cscs.agent.os.FileState;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * net.* sysctls applied for real and read back, inside a network namespace this test creates;
 * the host's values never change. kernel.*, vm.* and fs.* are not namespaced and never written here.
 */
class SysctlNetnsTest {
    final SysctlApplier sysctl = new SysctlApplier();
    @TempDir
    Path root;
    Netns ns;
    ApplyContext ctx;
    String hostForward;
    String hostRange;

    @BeforeEach
    void namespace() {
        Tools.require("sysctl", "procps");
        hostForward = Tools.run("sysctl", "-n", "net.ipv4.ip_forward").requireOk().out();
        hostRange = Tools.run("sysctl", "-n", "net.ipv4.ip_local_port_range").requireOk().out();
        ns = new Netns();
        ctx = ApplyContext.builder(root).runner(ns.runner()).clock(Support.CLOCK).live(true).build();
    }

    @AfterEach
    void cleanup() {
        ns.close();
        assertThat(Tools.run("sysctl", "-n", "net.ipv4.ip_forward").out()).as("host value").isEqualTo(hostForward);
        assertThat(Tools.run("sysctl", "-n", "net.ipv4.ip_local_port_range").out()).as("host value").isEqualTo(hostRange);
    }

    static List<DesiredEntry> desired() {
        return List.of(entry("global", "net.ipv4.ip_forward", "{\"value\": \"1\"}"),
                entry("global", "net.ipv4.conf.all.rp_filter", "{\"value\": \"2\"}"),
                entry("factory-a", "net.ipv4.ip_local_port_range", "{\"value\": \"20000 30000\"}"));
    }

    @Test
    void netSysctlsAreWrittenAndReadBackInsideTheNamespace() {
        Applied applied = Support.converge(sysctl, desired(), ctx);
        assertThat(applied.live()).hasSize(3);
        assertThat(ns.run("sysctl", "-n", "net.ipv4.ip_forward").requireOk().out().strip()).isEqualTo("1");
        assertThat(ns.run("sysctl", "-n", "net.ipv4.conf.all.rp_filter").requireOk().out().strip()).isEqualTo("2");
        assertThat(ns.run("sysctl", "-n", "net.ipv4.ip_local_port_range").requireOk().out().strip()).isEqualTo("20000\t30000");
        assertThat(Support.read(root.resolve(SysctlApplier.FILE))).contains("net.ipv4.conf.all.rp_filter = 2\n");
    }

    @Test
    void liveDriftIsPlannedAndCorrected() {
        Support.converge(sysctl, desired(), ctx);
        ns.run("sysctl", "-q", "-w", "net.ipv4.ip_forward=0").requireOk();
        Plan plan = sysctl.plan(desired(), ctx);
        assertThat(plan.files()).isEmpty();
        assertThat(plan.live()).containsExactly(new LiveAction.SysctlSet("net.ipv4.ip_forward", "1"));
        Support.converge(sysctl, desired(), ctx);
        assertThat(ns.run("sysctl", "-n", "net.ipv4.ip_forward").requireOk().out().strip()).isEqualTo("1");
    }

    @Test
    void rollbackPutsBackTheFileAndTheNamespacesPreviousValues() {
        String before = ns.run("sysctl", "-n", "net.ipv4.ip_local_port_range").requireOk().out();
        Applied applied = Support.converge(sysctl, desired(), ctx);
        sysctl.rollback(applied, ctx);
        assertThat(root.resolve(SysctlApplier.FILE)).doesNotExist();
        assertThat(ns.run("sysctl", "-n", "net.ipv4.ip_local_port_range").requireOk().out()).isEqualTo(before);
        assertThat(ns.run("sysctl", "-n", "net.ipv4.ip_forward").requireOk().out().strip()).isEqualTo("0");
    }

    @Test
    void aValueTheKernelRefusesLeavesEverythingAsItWas() {
        Support.converge(sysctl, desired().subList(0, 1), ctx);
        FileState file = FileState.read(root.resolve(SysctlApplier.FILE));
        List<DesiredEntry> bad = List.of(entry("global", "net.ipv4.ip_forward", "{\"value\": \"0\"}"),
                entry("global", "net.ipv4.conf.all.rp_filter", "{\"value\": \"abc\"}"));
        assertThatThrownBy(() -> sysctl.apply(sysctl.plan(bad, ctx), ctx))
                .isInstanceOf(RolledBackException.class).hasMessageContaining("Invalid argument");
        assertThat(FileState.read(root.resolve(SysctlApplier.FILE))).isEqualTo(file);
        assertThat(ns.run("sysctl", "-n", "net.ipv4.ip_forward").requireOk().out().strip()).isEqualTo("1");
    }
}
