package dev.cscs.agent.applier;

import static dev.cscs.agent.applier.Support.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cscs.agent.os.FileState;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry, full-key validation as the HTTP API calls it, and behaviour every applier shares. */
class AppliersTest {
    @TempDir
    Path root;

    @Test
    void theRegistryHoldsTheSixAppliersByName() {
        assertThat(Appliers.all()).extracting(Applier::name).containsExactly("yum", "apt", "sysctl", "firewall", "sshd", "service");
        Appliers.all().forEach(a -> assertThat(Appliers.byName(a.name())).containsSame(a));
        assertThat(Appliers.byName("rpm")).isEmpty();
    }

    @Test
    void fullKeysAreValidatedByTheirApplier() {
        assertThatCode(() -> Appliers.validate("sysctl/net.ipv4.ip_forward", json("{\"value\": \"0\"}"))).doesNotThrowAnyException();
        assertThatThrownBy(() -> Appliers.validate("rpm/x", json("{}"))).isInstanceOfSatisfying(CscsException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_VALUE)).hasMessageContaining("no applier named \"rpm\"");
        assertThatThrownBy(() -> Appliers.validate("yum/a/b", json("{}"))).hasMessageContaining("key name contains '/'");
        assertThatThrownBy(() -> Appliers.validate("nokey", json("{}"))).hasMessageContaining("is not of the form <applier>/<name>");
    }

    @Test
    void everySchemaIsDocumented() throws Exception {
        try (InputStream in = Applier.class.getResourceAsStream("schemas.md")) {
            assertThat(in).isNotNull();
            String doc = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Appliers.all().forEach(a -> assertThat(doc).contains("## `" + a.name() + "/"));
        }
    }

    @Test
    void aFailureHalfWayThroughApplyRestoresTheFilesAlreadyWritten() throws Exception {
        YumApplier yum = new YumApplier();
        ApplyContext ctx = Support.offline(root);
        List<DesiredEntry> one = List.of(Support.entry("d", "a", "{\"baseurl\": \"https://a.example/\"}"));
        Support.converge(yum, one, ctx);
        FileState before = FileState.read(root.resolve("etc/yum.repos.d/cscs-a.repo"));
        Plan plan = yum.plan(List.of(Support.entry("d", "a", "{\"baseurl\": \"https://b.example/\"}"),
                Support.entry("d", "b", "{\"baseurl\": \"https://b.example/\"}")), ctx);
        // something the plan did not expect appears where the second file goes
        Files.createDirectory(root.resolve("etc/yum.repos.d/cscs-b.repo"));
        assertThatThrownBy(() -> yum.apply(plan, ctx)).isInstanceOfSatisfying(RolledBackException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.IO);
            assertThat(e.reason()).contains("cscs-b.repo is not a regular file or symlink");
        });
        assertThat(FileState.read(root.resolve("etc/yum.repos.d/cscs-a.repo"))).isEqualTo(before);
    }

    @Test
    void aPlanIsAppliedOnlyByItsOwnApplier() {
        assertThatThrownBy(() -> new SysctlApplier().apply(Plan.empty("yum"), Support.offline(root)))
                .isInstanceOfSatisfying(CscsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL));
    }

    @Test
    void pathsNeverEscapeTheRoot() {
        ApplyContext ctx = Support.offline(root);
        assertThat(ctx.path("etc/x")).isEqualTo(root.resolve("etc/x"));
        assertThatThrownBy(() -> ctx.path("../etc/passwd")).hasMessageContaining("escapes the root");
        assertThatThrownBy(() -> ctx.path("/etc/passwd")).hasMessageContaining("escapes the root");
    }

    @Test
    void appliedRecordsTheInjectedClockAndASummary() {
        Applied applied = new YumApplier().apply(new YumApplier().plan(List.of(Support.entry("d", "a",
                "{\"baseurl\": \"https://a.example/\"}")), Support.offline(root)), Support.offline(root));
        assertThat(applied.at()).isEqualTo(Support.CLOCK.instant());
        assertThat(applied.summary()).isEqualTo("yum: created etc/yum.repos.d/cscs-a.repo");
        assertThat(applied.changed()).isTrue();
    }
}
