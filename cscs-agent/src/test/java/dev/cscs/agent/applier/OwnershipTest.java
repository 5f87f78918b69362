package dev.cscs.agent.applier;

import static dev.cscs.agent.applier.Support.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cscs.agent.os.AtomicFiles;
import dev.cscs.agent.os.FileState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ownership manifest decides what cscs may replace or remove; a header line never does. */
class OwnershipTest {
    static final String A = "etc/yum.repos.d/cscs-a.repo";
    static final String B = "etc/yum.repos.d/cscs-b.repo";
    static final String C = "etc/yum.repos.d/cscs-c.repo";
    final YumApplier yum = new YumApplier();
    @TempDir
    Path root;

    static DesiredEntry repo(String name) {
        return entry("global", name, "{\"baseurl\": \"https://" + name + ".example/el9/\"}");
    }

    ApplyContext ctx() {
        return Support.offline(root);
    }

    @Test
    void aFileWithTheHeaderLineAtAPathCscsNeverWroteIsAConflictAndSurvives() throws Exception {
        Path planted = Files.createDirectories(root.resolve("etc/yum.repos.d")).resolve("cscs-a.repo");
        Files.writeString(planted, Managed.HEADER + "\n[a]\nbaseurl=http://evil.example/\n");
        Plan plan = yum.plan(List.of(repo("a")), ctx());
        assertThat(plan.files()).isEmpty();
        assertThat(plan.conflicts()).extracting(Plan.Conflict::path).containsExactly(A);
        yum.apply(plan, ctx());
        assertThat(planted).content().contains("evil.example");
        assertThat(Ownership.load(ctx()).get(A)).isNull();
    }

    @Test
    void anOwnedFileRewrittenWithoutItsHeaderIsRestoredAndItsBytesQuarantined() throws Exception {
        Support.converge(yum, List.of(repo("a")), ctx());
        String ours = Support.read(root.resolve(A));
        Files.writeString(root.resolve(A), "[a]\nbaseurl=http://evil.example/\n");

        Applied applied = Support.converge(yum, List.of(repo("a")), ctx());
        assertThat(Support.read(root.resolve(A))).isEqualTo(ours);
        assertThat(applied.drift()).singleElement().satisfies(d -> {
            assertThat(d.path()).isEqualTo(A);
            Path q = Path.of(d.quarantine());
            assertThat(q.getParent()).isEqualTo(ctx().stateDir().resolve("quarantine"));
            assertThat(q.getFileName().toString()).isEqualTo("20261129T160000.000Z-etc%2Fyum.repos.d%2Fcscs-a.repo");
            assertThat(q).hasContent("[a]\nbaseurl=http://evil.example/");
            assertThat(Files.getPosixFilePermissions(q)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        });
    }

    @Test
    void aConflictOnOneFileDoesNotBlockTheDeleteOfAnotherKey() throws Exception {
        Support.converge(yum, List.of(repo("a"), repo("b")), ctx());
        Files.writeString(root.resolve(A), "[a]\nhand edited\n");
        Files.writeString(root.resolve(C), "[c]\nthe administrator's\n");

        // the signed change: b deleted, c added; a is edited by hand, c's path is taken
        Plan plan = yum.plan(List.of(repo("a"), repo("c")), ctx());
        assertThat(plan.conflicts()).extracting(Plan.Conflict::path).containsExactly(C);
        Applied applied = yum.apply(plan, ctx());
        yum.verify(applied, ctx());
        assertThat(root.resolve(B)).doesNotExist();
        assertThat(Support.read(root.resolve(A))).startsWith(Managed.HEADER);
        assertThat(root.resolve(C)).hasContent("[c]\nthe administrator's");
        assertThat(Ownership.load(ctx()).ownedBy("yum").keySet()).containsExactly(A);
    }

    @Test
    void deletingAKeyRemovesItsEditedFileAfterQuarantiningTheEdit() throws Exception {
        Support.converge(yum, List.of(repo("a")), ctx());
        Files.writeString(root.resolve(A), "[a]\nhand edited, header gone\n");
        Applied applied = Support.converge(yum, List.of(), ctx());
        assertThat(root.resolve(A)).doesNotExist();
        assertThat(Path.of(applied.drift().get(0).quarantine())).hasContent("[a]\nhand edited, header gone");
        assertThat(Ownership.load(ctx()).ownedBy("yum")).isEmpty();
    }

    @Test
    void aChmodOfAnOwnedFileIsDrift() throws Exception {
        Support.converge(yum, List.of(repo("a")), ctx());
        Files.setPosixFilePermissions(root.resolve(A), PosixFilePermissions.fromString("rw-rw-rw-"));
        Applied applied = Support.converge(yum, List.of(repo("a")), ctx());
        assertThat(applied.drift()).extracting(Applied.Drift::path).containsExactly(A);
        assertThat(Files.getPosixFilePermissions(root.resolve(A))).isEqualTo(AtomicFiles.DEFAULT_MODE);
    }

    @Test
    void anUpgradeAdoptsAFileWithTheHeaderOnlyWhenItsBytesAreExactlyWhatCscsRenders() throws Exception {
        ApplyContext other = Support.offline(Files.createDirectories(root.resolve("elsewhere")));
        Support.converge(yum, List.of(repo("a"), repo("b")), other);
        Path dir = Files.createDirectories(root.resolve("etc/yum.repos.d"));
        Files.copy(other.root().resolve(A), dir.resolve("cscs-a.repo"));
        Files.writeString(dir.resolve("cscs-b.repo"), Support.read(other.root().resolve(B)) + "gpgcheck=0\n");

        Plan plan = yum.plan(List.of(repo("a"), repo("b")), ctx());
        assertThat(plan.adopt()).containsExactly(A);
        assertThat(plan.files()).isEmpty();
        assertThat(plan.conflicts()).extracting(Plan.Conflict::path).containsExactly(B);
        yum.verify(yum.apply(plan, ctx()), ctx());
        assertThat(Ownership.load(ctx()).get(A).describes(FileState.read(root.resolve(A)))).isTrue();
        assertThat(yum.plan(List.of(repo("a")), ctx()).files()).extracting(FileOp::describe).isEmpty();
        // once adopted, deleting the key removes it
        Support.converge(yum, List.of(), ctx());
        assertThat(root.resolve(A)).doesNotExist();
        assertThat(root.resolve(B)).exists();
    }

    @Test
    void aDamagedManifestFailsClosed() throws Exception {
        Support.converge(yum, List.of(repo("a")), ctx());
        Files.writeString(Ownership.file(ctx()), "{\"format\": \"cscs/ownership/v1\", \"paths\": []}");
        assertThatThrownBy(() -> yum.plan(List.of(), ctx()))
                .hasMessageContaining("ownership manifest").hasMessageContaining("is damaged");
        assertThat(root.resolve(A)).exists();
    }

    /** Nothing but what the test put there and the state dir: no temp files, nothing elsewhere. */
    static List<String> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> !Files.isDirectory(p)).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void aManifestOfAnEarlierVersionWithPendingEntriesStillLoadsAndNoApplyWritesTheFlag() throws Exception {
        Support.converge(yum, List.of(repo("a")), ctx());
        String manifest = Support.read(Ownership.file(ctx()));
        assertThat(manifest).doesNotContain("pending");
        Files.writeString(Ownership.file(ctx()), manifest.replace("\"mode\"", "\"pending\" : true, \"mode\""));
        assertThat(Support.read(Ownership.file(ctx()))).contains("\"pending\" : true");
        assertThat(yum.plan(List.of(repo("a")), ctx()).isEmpty()).isTrue();
    }
}
