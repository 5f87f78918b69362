package dev.cscs.agent.applier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.agent.os.FileState;
import dev.cscs.core.error.CscsException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The intent record: only what recovery needs, and a damaged one stops its applier instead of being cleared. */
class IntentRecordTest {
    static final String REPO = "etc/yum.repos.d/cscs-a.repo";
    static final ObjectMapper JSON = new ObjectMapper();
    final YumApplier yum = new YumApplier();
    @TempDir
    Path root;

    static DesiredEntry repo(String url) {
        return Support.entry("global", "a", "{\"baseurl\": \"" + url + "\"}");
    }

    /** Converges on one repo, then applies another URL without verify: the intent of that apply is left. */
    ApplyContext unfinished() {
        ApplyContext ctx = Support.offline(root);
        Support.converge(yum, List.of(repo("https://a.example/")), ctx);
        yum.apply(yum.plan(List.of(repo("https://secret-b.example/")), ctx), ctx);
        return ctx;
    }

    @Test
    void theIntentKeepsPathsKindsAndBackupsButNotTheNewContent() throws Exception {
        ApplyContext ctx = unfinished();
        String record = Files.readString(ApplyJournal.file(ctx, "yum"));
        byte[] written = Files.readAllBytes(root.resolve(REPO));
        assertThat(record).doesNotContain(Base64.getEncoder().encodeToString(written)).doesNotContain("secret-b");
        assertThat(JSON.readTree(record).get("ops").toString()).isEqualTo("[{\"path\":\"" + REPO + "\",\"op\":\"write\"}]");
        assertThat(JSON.readTree(record).get("format").asText()).isEqualTo("cscs/intent/v2");
        assertThat(yum.recover(ctx)).get().asString().contains("yum: an apply was interrupted (write " + REPO + ")");
        assertThat(Support.read(root.resolve(REPO))).contains("https://a.example/");
    }

    @Test
    void aRecordOfTheEarlierFormatWithContentAndTargetsStillRecovers() throws Exception {
        ApplyContext ctx = unfinished();
        edit(ctx, r -> {
            r.put("format", "cscs/intent/v1");
            ((ObjectNode) r.get("ops").get(0)).put("base64", "eA==");
        });
        assertThat(yum.recover(ctx)).isPresent();
        assertThat(Support.read(root.resolve(REPO))).contains("https://a.example/");
    }

    static Stream<Arguments> damaged() {
        return Stream.of(
                Arguments.of("backups not an object", (Consumer<ObjectNode>) r -> r.putArray("backups"),
                        "$.backups: must be an object, got array"),
                Arguments.of("owners not an object", (Consumer<ObjectNode>) r -> r.putArray("owners"),
                        "$.owners: must be an object, got array"),
                Arguments.of("unknown op", (Consumer<ObjectNode>) r -> ((ObjectNode) r.get("ops").get(0)).put("op", "rename"),
                        "$.ops[0].op: unknown operation \"rename\" (expected write, link or remove)"),
                Arguments.of("unknown format", (Consumer<ObjectNode>) r -> r.put("format", "cscs/intent/v9"),
                        "$.format: is \"cscs/intent/v9\", not cscs/intent/v2"),
                Arguments.of("unknown backup kind", (Consumer<ObjectNode>) r -> ((ObjectNode) r.get("backups").get(REPO)).put("kind", "fifo"),
                        "$.backups." + REPO + ".kind: unknown kind \"fifo\" (expected file, symlink or absent)"),
                Arguments.of("backup not base64", (Consumer<ObjectNode>) r -> ((ObjectNode) r.get("backups").get(REPO)).put("base64", "!!"),
                        "$.backups." + REPO + ".base64: not base64"),
                Arguments.of("op with content in v2", (Consumer<ObjectNode>) r -> ((ObjectNode) r.get("ops").get(0)).put("base64", "eA=="),
                        "$.ops[0]: unknown field \"base64\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("damaged")
    void aDamagedRecordStopsTheApplierAndIsKept(String what, Consumer<ObjectNode> damage, String why) throws Exception {
        ApplyContext ctx = unfinished();
        edit(ctx, damage);
        assertStopped(ctx, why);
    }

    @Test
    void aSymlinkedRecordStopsTheApplierAndIsKept() throws Exception {
        ApplyContext ctx = unfinished();
        Path f = ApplyJournal.file(ctx, "yum");
        Path real = Files.move(f, root.resolve("elsewhere.json"));
        Files.createSymbolicLink(f, real);
        assertStopped(ctx, "it is not a regular file but symlink");
    }

    void assertStopped(ApplyContext ctx, String why) {
        Path f = ApplyJournal.file(ctx, "yum");
        FileState record = FileState.read(f);
        FileState file = FileState.read(root.resolve(REPO));
        FileState manifest = FileState.read(Ownership.file(ctx));
        assertThatThrownBy(() -> yum.recover(ctx)).isInstanceOf(CscsException.class)
                .hasMessageContaining("yum: the intent record " + f + " of an interrupted apply is damaged (")
                .hasMessageContaining(why).hasMessageContaining("the applier stays stopped");
        assertThat(FileState.read(f)).as("kept for repair").isEqualTo(record);
        assertThat(FileState.read(root.resolve(REPO))).isEqualTo(file);
        assertThat(FileState.read(Ownership.file(ctx))).isEqualTo(manifest);
        // apply refuses too, before changing anything
        assertThatThrownBy(() -> yum.apply(yum.plan(List.of(repo("https://c.example/")), ctx), ctx))
                .isInstanceOf(RolledBackException.class).hasMessageContaining("is damaged");
        assertThat(FileState.read(root.resolve(REPO))).isEqualTo(file);
    }

    void edit(ApplyContext ctx, Consumer<ObjectNode> change) throws Exception {
        Path f = ApplyJournal.file(ctx, "yum");
        ObjectNode r = (ObjectNode) JSON.readTree(f.toFile());
        change.accept(r);
        Files.write(f, JSON.writeValueAsString(r).getBytes(StandardCharsets.UTF_8));
    }
}
