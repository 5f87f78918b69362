package dev.cscs.agent.applier;

import static dev.cscs.agent.applier.Support.entry;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cscs.agent.os.CommandRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real {@code systemctl --root} sees what the service applier did in a sandbox root (no systemd needs to run). */
class ServiceSystemctlTest {
    final ServiceApplier service = new ServiceApplier();
    @TempDir
    Path root;
    ApplyContext ctx;

    @BeforeEach
    void sandbox() throws Exception {
        Tools.require("systemctl", "systemd");
        Path lib = Files.createDirectories(root.resolve("usr/lib/systemd/system"));
        Files.writeString(lib.resolve("telnet.socket"), "[Unit]\nDescription=telnet\n[Socket]\nListenStream=23\nAccept=yes\n"
                + "[Install]\nWantedBy=sockets.target\n");
        Files.writeString(lib.resolve("rsh.socket"), "[Unit]\nDescription=rsh\n[Socket]\nListenStream=514\nAccept=yes\n"
                + "[Install]\nWantedBy=sockets.target\n");
        Files.writeString(lib.resolve("sockets.target"), "[Unit]\nDescription=Sockets\n");
        Tools.run("systemctl", "--root=" + root, "enable", "telnet.socket", "rsh.socket").requireOk();
        ctx = Support.offline(root, CommandRunner.system());
    }

    private String isEnabled(String unit) {
        return Tools.run("systemctl", "--root=" + root, "is-enabled", unit).out().strip();
    }

    @Test
    void systemctlReportsMaskedAndDisabled() {
        assertThat(isEnabled("telnet.socket")).isEqualTo("enabled");
        List<DesiredEntry> desired = List.of(entry("global", "telnet.socket", "{\"state\": \"masked\"}"),
                entry("global", "rsh.socket", "{\"state\": \"disabled\"}"));
        Support.converge(service, desired, ctx);
        assertThat(isEnabled("telnet.socket")).isEqualTo("masked");
        assertThat(isEnabled("rsh.socket")).isEqualTo("disabled");
    }

    @Test
    void deletingTheKeysUnmasksButEnablesNothing() {
        Support.converge(service, List.of(entry("global", "telnet.socket", "{\"state\": \"masked\"}"),
                entry("global", "rsh.socket", "{\"state\": \"disabled\"}")), ctx);
        Support.converge(service, List.of(), ctx);
        assertThat(isEnabled("telnet.socket")).as("unmasked: enabled again by its own wants link").isEqualTo("enabled");
        assertThat(isEnabled("rsh.socket")).isEqualTo("disabled");
    }
}
