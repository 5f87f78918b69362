package dev.cscs.agent.applier;

import static dev.cscs.agent.applier.Support.entry;
import static dev.cscs.agent.applier.Support.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cscs.agent.os.FileState;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The service applier against a scripted systemctl (the real one: ServiceSystemctlTest). */
class ServiceApplierTest {
    final ServiceApplier service = new ServiceApplier();
    @TempDir
    Path root;
    FakeRunner systemctl;
    ApplyContext ctx;

    @BeforeEach
    void context() throws Exception {
        systemctl = new FakeRunner()
                .on(c -> c.display().contains("is-enabled") && c.display().endsWith(".socket"), c -> FakeRunner.ok("masked\n"))
                .on(c -> c.display().contains("is-enabled rsh.service"), c -> FakeRunner.ok("disabled\n"));
        ctx = Support.offline(root, systemctl);
        Path wants = Files.createDirectories(root.resolve("etc/systemd/system/multi-user.target.wants"));
        Files.createSymbolicLink(wants.resolve("rsh.service"), Path.of("/usr/lib/systemd/system/rsh.service"));
        Files.createSymbolicLink(wants.resolve("sshd.service"), Path.of("/usr/lib/systemd/system/sshd.service"));
    }

    static List<DesiredEntry> desired() {
        return List.of(entry("global", "telnet.socket", "{\"state\": \"masked\"}"),
                entry("global", "rsh.service", "{\"state\": \"disabled\"}"),
                entry("factory-a", "tftp.socket", "{\"state\": \"masked\"}"));
    }

    static String mask(String unit) {
        return ServiceApplier.UNITS + "/" + unit;
    }

    @Test
    void masksWithDevNullLinksRemovesEnablementLinksAndRecordsItsMasksAsOwned() {
        Applied applied = Support.converge(service, desired(), ctx);
        assertThat(applied.files()).extracting(FileChange::describe).containsExactly(
                "linked etc/systemd/system/telnet.socket -> /dev/null", "linked etc/systemd/system/tftp.socket -> /dev/null",
                "removed etc/systemd/system/multi-user.target.wants/rsh.service");
        assertThat(root.resolve("etc/systemd/system/multi-user.target.wants/sshd.service")).isSymbolicLink();
        Ownership owners = Ownership.load(ctx);
        assertThat(owners.ownedBy("service").keySet()).containsExactly(mask("telnet.socket"), mask("tftp.socket"));
        assertThat(owners.get(mask("telnet.socket")).describes(new FileState.Symlink("/dev/null"))).isTrue();
        // an enablement link removed is systemctl's, never recorded as cscs's
        assertThat(owners.get("etc/systemd/system/multi-user.target.wants/rsh.service")).isNull();
        assertThat(systemctl.displayed()).contains("systemctl --root=" + root + " is-enabled telnet.socket",
                "systemctl --root=" + root + " is-enabled rsh.service");
    }

    @Test
    void deletingAKeyUnmasksOnlyAMaskCscsCreated() throws Exception {
        Path units = root.resolve("etc/systemd/system");
        Files.createSymbolicLink(units.resolve("tftp.socket"), Path.of("/dev/null"));
        Support.converge(service, desired(), ctx);
        assertThat(Ownership.load(ctx).ownedBy("service").keySet()).containsExactly(mask("telnet.socket"));

        Support.converge(service, List.of(), ctx);
        assertThat(units.resolve("telnet.socket")).doesNotExist();
        assertThat(Files.readSymbolicLink(units.resolve("tftp.socket"))).isEqualTo(Path.of("/dev/null"));
        assertThat(Ownership.load(ctx).ownedBy("service")).isEmpty();
        assertThat(units.resolve("multi-user.target.wants/rsh.service")).doesNotExist();
    }

    @Test
    void aUnitFileItDidNotWriteIsAConflictForThatUnitOnlyAndTheOthersAreMasked() throws Exception {
        Path unit = root.resolve("etc/systemd/system/telnet.socket");
        Files.writeString(unit, "[Socket]\nListenStream=23\n");
        Plan plan = service.plan(desired(), ctx);
        assertThat(plan.conflicts()).extracting(Plan.Conflict::path).containsExactly(mask("telnet.socket"));
        assertThat(plan.conflicts().get(0).message()).contains("refusing to replace etc/systemd/system/telnet.socket",
                "not in the ownership manifest", "move the file away");
        service.apply(plan, ctx);
        assertThat(unit).hasContent("[Socket]\nListenStream=23");
        assertThat(FileState.read(root.resolve(mask("tftp.socket")))).isEqualTo(new FileState.Symlink("/dev/null"));
    }

    @Test
    void masksListedByAnEarlierVersionAreAdoptedAndTheListRemoved() throws Exception {
        Path units = root.resolve("etc/systemd/system");
        Files.createSymbolicLink(units.resolve("telnet.socket"), Path.of("/dev/null"));
        Files.createSymbolicLink(units.resolve("tftp.socket"), Path.of("/dev/null"));
        Path list = Files.createDirectories(root.resolve("var/lib/cscs/agent")).resolve("service-masks.list");
        Files.writeString(list, Managed.HEADER + "\ntelnet.socket\n");
        Applied applied = Support.converge(service, desired(), ctx);
        assertThat(applied.summary()).contains("adopted etc/systemd/system/telnet.socket", "removed " + ServiceApplier.LEGACY_LIST);
        assertThat(list).doesNotExist();
        // the mask the list did not name is the administrator's: deleting the key leaves it
        Support.converge(service, List.of(), ctx);
        assertThat(units.resolve("telnet.socket")).doesNotExist();
        assertThat(units.resolve("tftp.socket")).isSymbolicLink();
    }

    @Test
    void rollbackRestoresLinksAndTheirOwnership() throws Exception {
        Support.converge(service, desired().subList(0, 1), ctx);
        Ownership before = Ownership.load(ctx);
        Applied applied = service.apply(service.plan(desired().subList(1, 3), ctx), ctx);
        assertThat(root.resolve("etc/systemd/system/telnet.socket")).doesNotExist();
        service.rollback(applied, ctx);
        assertThat(Ownership.load(ctx).ownedBy("service")).isEqualTo(before.ownedBy("service"));
        assertThat(FileState.read(root.resolve("etc/systemd/system/telnet.socket"))).isEqualTo(new FileState.Symlink("/dev/null"));
        assertThat(root.resolve("etc/systemd/system/tftp.socket")).doesNotExist();
        assertThat(Files.readSymbolicLink(root.resolve("etc/systemd/system/multi-user.target.wants/rsh.service")))
                .isEqualTo(Path.of("/usr/lib/systemd/system/rsh.service"));
    }

    @Test
    void verifyFailsWhenSystemctlDoesNotSeeTheMask() {
        FakeRunner stubborn = new FakeRunner().on(c -> c.display().contains("is-enabled"), c -> FakeRunner.ok("enabled\n"));
        ApplyContext c = Support.offline(root, stubborn);
        Applied applied = service.apply(service.plan(desired().subList(0, 1), c), c);
        assertThatThrownBy(() -> service.verify(applied, c)).hasMessageContaining("says enabled after apply, expected masked");
    }

    @Test
    void offlineNoSystemctlChangesAnything() {
        Support.converge(service, desired(), ctx);
        assertThat(systemctl.displayed()).allMatch(c -> c.startsWith("systemctl --root=" + root + " is-enabled "));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '¦', textBlock = """
            no unit suffix               ¦ telnet            ¦ {"state": "masked"} ¦ service/telnet: is not a unit name: it must end in .service
            slash in name                ¦ ../x.service      ¦ {"state": "masked"} ¦ key name contains '/'
            dot-dot in name              ¦ a..b.service      ¦ {"state": "masked"} ¦ key name contains '..'
            shell metacharacter          ¦ x;reboot.service  ¦ {"state": "masked"} ¦ key name contains ';' at index 1
            template instance            ¦ getty@tty1.service ¦ {"state": "masked"} ¦ key name contains '@' at index 5
            its own daemon               ¦ cscsd.service     ¦ {"state": "masked"} ¦ cscs does not mask or disable its own units
            unknown state                ¦ telnet.socket     ¦ {"state": "enabled"} ¦ field "state" must be "masked" or "disabled", got "enabled"
            missing state                ¦ telnet.socket     ¦ {} ¦ service/telnet.socket: field "state" is required
            newline in state             ¦ telnet.socket     ¦ {"state": "masked\\n"} ¦ field "state" contains a line break (U+000A) at index 6
            """)
    void validateRejectsHostileValuesWithAPreciseMessage(String why, String name, String value, String message) {
        assertThatThrownBy(() -> service.validate(name, json(value)))
                .isInstanceOfSatisfying(CscsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_VALUE))
                .hasMessageContaining(message);
    }

    @Test
    void validateRejectsOversizedNames() {
        assertThatThrownBy(() -> service.validate("a".repeat(130) + ".service", json("{\"state\": \"masked\"}")))
                .hasMessageContaining("key name is 138 characters long; at most 128");
    }
}
