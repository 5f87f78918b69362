package dev.cscs.agent.applier;

import static dev.cscs.agent.applier.Support.entry;
import static dev.cscs.agent.applier.Support.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cscs.agent.os.FileState;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The sysctl applier offline, and its live path against a scripted runner (the real kernel: SysctlNetnsTest). */
class SysctlApplierTest {
    final SysctlApplier sysctl = new SysctlApplier();
    @TempDir
    Path root;

    static List<DesiredEntry> desired() {
        return List.of(entry("global", "net.ipv4.ip_forward", "{\"value\": \"0\"}"),
                entry("global", "kernel.sysrq", "{\"value\": \"0\"}"),
                entry("factory-a", "net.ipv4.ip_local_port_range", "{\"value\": \"20000 30000\"}"),
                entry("factory-a", "kernel.core_pattern", "{\"value\": \"/var/crash/core.%e.%p\"}"));
    }

    @Test
    void rendersOneSortedFileLikeTheGoldenFile() {
        Support.converge(sysctl, desired(), Support.offline(root));
        Support.assertGolden("sysctl/90-cscs.conf", Support.read(root.resolve(SysctlApplier.FILE)));
    }

    @Test
    void secondPlanAfterApplyIsEmptyAndOfflineTouchesNoKernel() {
        FakeRunner runner = new FakeRunner();
        Support.converge(sysctl, desired(), Support.offline(root, runner));
        assertThat(runner.commands).isEmpty();
    }

    @Test
    void deletingTheLastKeyRemovesTheFileButNoOtherFile() throws Exception {
        ApplyContext ctx = Support.offline(root);
        Support.converge(sysctl, desired(), ctx);
        Files.writeString(root.resolve("etc/sysctl.d/99-local.conf"), "vm.swappiness = 10\n");
        Support.converge(sysctl, desired().subList(0, 1), ctx);
        assertThat(Support.read(root.resolve(SysctlApplier.FILE))).contains("net.ipv4.ip_forward = 0").doesNotContain("sysrq");
        Support.converge(sysctl, List.of(), ctx);
        assertThat(root.resolve(SysctlApplier.FILE)).doesNotExist();
        assertThat(root.resolve("etc/sysctl.d/99-local.conf")).hasContent("vm.swappiness = 10");
    }

    @Test
    void anUnmanagedFileOfTheSameNameSurvives() throws Exception {
        Path file = Files.createDirectories(root.resolve("etc/sysctl.d")).resolve("90-cscs.conf");
        Files.writeString(file, "net.ipv4.ip_forward = 1\n");
        assertThat(sysctl.plan(List.of(), Support.offline(root)).isEmpty()).isTrue();
        Plan plan = sysctl.plan(desired(), Support.offline(root));
        assertThat(plan.files()).isEmpty();
        assertThat(plan.conflicts()).extracting(Plan.Conflict::message).singleElement().asString()
                .contains("refusing to replace etc/sysctl.d/90-cscs.conf", "not in the ownership manifest");
        assertThat(file).hasContent("net.ipv4.ip_forward = 1");
    }

    @Test
    void livePlanSetsOnlyDifferingValuesAndNotesMissingKeys() {
        FakeRunner runner = new FakeRunner()
                .on("sysctl -n net.ipv4.ip_forward", FakeRunner.ok("1\n"))
                .on("sysctl -n net.ipv4.ip_local_port_range", FakeRunner.ok("20000\t30000\n"))
                .on("sysctl -n kernel.sysrq", FakeRunner.ok("0\n"))
                .on("sysctl -n kernel.core_pattern", FakeRunner.fail(255, "sysctl: cannot stat /proc/sys/kernel/core_pattern: No such file or directory"));
        ApplyContext ctx = ApplyContext.builder(root).runner(runner).clock(Support.CLOCK).live(true).build();
        Plan plan = sysctl.plan(desired(), ctx);
        assertThat(plan.live()).containsExactly(new LiveAction.SysctlSet("net.ipv4.ip_forward", "0"));
        assertThat(plan.notes()).containsExactly("sysctl kernel.core_pattern does not exist in the running kernel; written to "
                + SysctlApplier.FILE + " only");
    }

    @Test
    void aValueTheKernelRefusesRollsBackFileAndEarlierLiveWrites() throws Exception {
        ApplyContext offline = Support.offline(root);
        Support.converge(sysctl, desired().subList(0, 1), offline);
        FileState before = FileState.read(root.resolve(SysctlApplier.FILE));
        Map<String, String> kernel = new HashMap<>(Map.of(
                "net.ipv4.ip_forward", "7", "net.ipv4.tcp_syncookies", "1"));
        FakeRunner runner = new FakeRunner()
                .on("sysctl -n", c -> FakeRunner.ok(kernel.get(c.argv().get(2)) + "\n"))
                .on("sysctl -q -w", c -> {
                    String[] kv = c.argv().get(3).split("=", 2);
                    if (kv[0].equals("net.ipv4.tcp_syncookies")) {
                        return FakeRunner.fail(255, "sysctl: setting key \"net.ipv4.tcp_syncookies\": Invalid argument");
                    }
                    kernel.put(kv[0], kv[1]);
                    return FakeRunner.ok("");
                });
        ApplyContext ctx = ApplyContext.builder(root).runner(runner).clock(Support.CLOCK).live(true).build();
        List<DesiredEntry> two = List.of(entry("global", "net.ipv4.ip_forward", "{\"value\": \"1\"}"),
                entry("global", "net.ipv4.tcp_syncookies", "{\"value\": \"9\"}"));
        Plan plan = sysctl.plan(two, ctx);
        assertThatThrownBy(() -> sysctl.apply(plan, ctx)).isInstanceOf(RolledBackException.class)
                .hasMessageContaining("sysctl net.ipv4.tcp_syncookies = 9: the kernel refused it")
                .hasMessageContaining("Invalid argument");
        assertThat(FileState.read(root.resolve(SysctlApplier.FILE))).isEqualTo(before);
        assertThat(runner.displayed()).containsSubsequence("sysctl -q -w net.ipv4.ip_forward=1",
                "sysctl -q -w net.ipv4.tcp_syncookies=9", "sysctl -q -w net.ipv4.ip_forward=7");
        assertThat(kernel).containsEntry("net.ipv4.ip_forward", "7");
    }

    @Test
    void rollbackRestoresByteIdenticalFile() throws Exception {
        ApplyContext ctx = Support.offline(root);
        Support.converge(sysctl, desired(), ctx);
        Files.setPosixFilePermissions(root.resolve(SysctlApplier.FILE), PosixFilePermissions.fromString("rw-------"));
        FileState before = FileState.read(root.resolve(SysctlApplier.FILE));
        Applied applied = sysctl.apply(sysctl.plan(List.of(), ctx), ctx);
        assertThat(root.resolve(SysctlApplier.FILE)).doesNotExist();
        sysctl.rollback(applied, ctx);
        assertThat(FileState.read(root.resolve(SysctlApplier.FILE))).isEqualTo(before);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '¦', textBlock = """
            newline injects a second key ¦ net.ipv4.ip_forward ¦ {"value": "0\\nkernel.modprobe = /tmp/x"} ¦ sysctl/net.ipv4.ip_forward: field "value" contains a line break (U+000A) at index 1
            equals sign                  ¦ net.ipv4.ip_forward ¦ {"value": "0 = 1"} ¦ field "value" contains '=' at index 2
            core_pattern pipe            ¦ kernel.core_pattern ¦ {"value": "|/tmp/evil %p"} ¦ field "value" contains '|' at index 0
            command substitution         ¦ net.ipv4.ip_forward ¦ {"value": "$(reboot)"} ¦ field "value" contains '$' at index 0
            backtick                     ¦ net.ipv4.ip_forward ¦ {"value": "`id`"} ¦ field "value" contains '`' at index 0
            comment                      ¦ net.ipv4.ip_forward ¦ {"value": "1 # x"} ¦ field "value" contains '#'
            number instead of string     ¦ net.ipv4.ip_forward ¦ {"value": 0} ¦ field "value" must be a string, e.g. "0", got a number
            missing value                ¦ net.ipv4.ip_forward ¦ {} ¦ field "value" is required
            not a sysctl root            ¦ etc.passwd          ¦ {"value": "0"} ¦ sysctl/etc.passwd: is not a sysctl name
            slash in name                ¦ net/ipv4/ip_forward ¦ {"value": "0"} ¦ key name contains '/'
            dot-dot in name              ¦ net..ipv4           ¦ {"value": "0"} ¦ key name contains '..'
            """)
    void validateRejectsHostileValuesWithAPreciseMessage(String why, String name, String value, String message) {
        assertThatThrownBy(() -> sysctl.validate(name, json(value)))
                .isInstanceOfSatisfying(CscsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_VALUE))
                .hasMessageContaining(message);
    }

    @Test
    void validateRejectsOversizedValues() {
        assertThatThrownBy(() -> sysctl.validate("net.core.x", json("{\"value\": \"" + "1".repeat(257) + "\"}")))
                .hasMessage("sysctl/net.core.x: field \"value\" is 257 characters long; at most 256");
    }

    @Test
    void sysctlsThatNameAProgramTheKernelRunsAreRefused() {
        for (String name : List.of("kernel.modprobe", "kernel.poweroff_cmd", "kernel.hotplug")) {
            assertThatThrownBy(() -> new SysctlApplier().validate(name,
                    new ObjectMapper().readTree("{\"value\":\"/tmp/x\"}")))
                    .as(name).hasMessageContaining("names a program the kernel runs as root");
        }
    }
}
