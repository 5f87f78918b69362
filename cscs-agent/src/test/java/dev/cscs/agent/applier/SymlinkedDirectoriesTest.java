package dev.cscs.agent.applier;

import static dev.cscs.agent.applier.Support.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cscs.agent.os.FileState;
import dev.cscs.core.error.CscsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A symlinked directory under the root is refused, never followed: nothing is written outside the root. */
class SymlinkedDirectoriesTest {
    @TempDir
    Path tmp;
    Path root;
    Path outside;

    @BeforeEach
    void dirs() throws Exception {
        root = Files.createDirectories(tmp.resolve("root"));
        outside = Files.createDirectories(tmp.resolve("outside"));
    }

    static Applier applier(String name) {
        return Appliers.byName(name).orElseThrow();
    }

    static List<DesiredEntry> desired(String applier) {
        switch (applier) {
            case "yum":
                return List.of(entry("global", "epel", "{\"baseurl\": \"https://mirror.example/el9/\"}"));
            case "apt":
                return List.of(entry("global", "debian", AptApplierTest.DEBIAN));
            case "sysctl":
                return List.of(entry("global", "kernel.sysrq", "{\"value\": \"0\"}"));
            default:
                return List.of(entry("global", "telnet.socket", "{\"state\": \"masked\"}"));
        }
    }

    @ParameterizedTest(name = "{0}: {1} -> outside")
    @CsvSource({"yum, etc/yum.repos.d", "yum, etc", "apt, etc/apt/sources.list.d", "sysctl, etc/sysctl.d",
            "service, etc/systemd/system", "service, etc/systemd"})
    void aLinkedDirectoryIsRefusedWithTheLinkNamedAndNothingIsWrittenOutside(String name, String linked) throws Exception {
        Path link = root.resolve(linked);
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(link, outside);
        ApplyContext ctx = Support.offline(root);
        Applier a = applier(name);
        Throwable failure = null;
        try {
            Plan plan = a.plan(desired(name), ctx);
            assertThat(plan.conflicts()).isNotEmpty().allSatisfy(c -> assertThat(c.message())
                    .contains(link + " is a symlink to " + outside, "never follows a linked directory"));
            a.apply(plan, ctx);
        } catch (CscsException e) {
            failure = e;
        }
        if (failure != null) {
            assertThat(failure).hasMessageContaining(link + " is a symlink to " + outside);
        }
        try (Stream<Path> s = Files.walk(outside)) {
            assertThat(s.filter(p -> !p.equals(outside)).toList()).as("written outside the root").isEmpty();
        }
    }

    @Test
    void aLinkSwappedInAfterThePlanIsRefusedAtWriteTime() throws Exception {
        YumApplier yum = new YumApplier();
        ApplyContext ctx = Support.offline(root);
        Plan plan = yum.plan(desired("yum"), ctx);
        Files.createDirectories(root.resolve("etc"));
        Files.createSymbolicLink(root.resolve("etc/yum.repos.d"), outside);
        assertThatThrownBy(() -> yum.apply(plan, ctx)).isInstanceOf(RolledBackException.class)
                .hasMessageContaining(root.resolve("etc/yum.repos.d") + " is a symlink to " + outside);
        try (Stream<Path> s = Files.list(outside)) {
            assertThat(s.toList()).isEmpty();
        }
    }

    @Test
    void aSymlinkAsTheFileItselfIsAConflictUnlessCscsOwnsItAsASymlink() throws Exception {
        Path dir = Files.createDirectories(root.resolve("etc/yum.repos.d"));
        Path target = Files.writeString(outside.resolve("x.repo"), "[x]\n");
        Files.createSymbolicLink(dir.resolve("cscs-epel.repo"), target);
        ApplyContext ctx = Support.offline(root);
        Plan plan = new YumApplier().plan(desired("yum"), ctx);
        assertThat(plan.conflicts()).extracting(Plan.Conflict::path).containsExactly("etc/yum.repos.d/cscs-epel.repo");
        assertThat(target).hasContent("[x]");

        // a mask is a symlink cscs owns: converging twice keeps it, deleting the key removes it
        ServiceApplier service = new ServiceApplier(() -> false);
        ApplyContext offline = Support.offline(root, new FakeRunner()
                .on(c -> c.display().contains("is-enabled"), c -> FakeRunner.ok("masked\n")));
        Support.converge(service, desired("service"), offline);
        assertThat(FileState.read(root.resolve("etc/systemd/system/telnet.socket"))).isEqualTo(new FileState.Symlink("/dev/null"));
        Support.converge(service, List.of(), offline);
        assertThat(root.resolve("etc/systemd/system/telnet.socket")).doesNotExist();
    }
}
