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
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class YumApplierTest {
    static final String EPEL = """
            {"name": "EPEL $releasever", "baseurl": "https://mirror.example/epel/$releasever/Everything/$basearch/",
             "enabled": true, "gpgcheck": true, "gpgkey": "https://mirror.example/RPM-GPG-KEY-EPEL-9", "priority": 10}""";
    static final String METALINK = """
            {"metalink": "https://mirrors.example/metalink?repo=epel-9&arch=$basearch", "enabled": false,
             "sslverify": true, "skip_if_unavailable": false, "metadata_expire": "6h", "exclude": ["kernel*", "foo"]}""";

    final YumApplier yum = new YumApplier();
    @TempDir
    Path root;

    List<DesiredEntry> desired() {
        return List.of(entry("global", "epel", EPEL), entry("factory-a", "internal", METALINK));
    }

    @Test
    void rendersRepoFilesLikeTheGoldenFiles() {
        Support.converge(yum, desired(), Support.offline(root));
        Support.assertGolden("yum/cscs-epel.repo", Support.read(root.resolve("etc/yum.repos.d/cscs-epel.repo")));
        Support.assertGolden("yum/cscs-internal.repo", Support.read(root.resolve("etc/yum.repos.d/cscs-internal.repo")));
    }

    @Test
    void secondPlanAfterApplyIsEmpty() {
        Applied applied = Support.converge(yum, desired(), Support.offline(root));
        assertThat(applied.files()).extracting(FileChange::path)
                .containsExactly("etc/yum.repos.d/cscs-epel.repo", "etc/yum.repos.d/cscs-internal.repo");
    }

    @Test
    void deletingAKeyRemovesOnlyItsManagedFile() throws Exception {
        ApplyContext ctx = Support.offline(root);
        Support.converge(yum, desired(), ctx);
        Path dir = root.resolve("etc/yum.repos.d");
        Files.writeString(dir.resolve("cscs-manual.repo"), "[manual]\nname=by hand\nbaseurl=file:///srv/r\n");
        Files.writeString(dir.resolve("fedora.repo"), "[fedora]\nname=F\n");

        Plan plan = yum.plan(List.of(entry("global", "epel", EPEL)), ctx);
        assertThat(plan.files()).containsExactly(new FileOp.Remove("etc/yum.repos.d/cscs-internal.repo"));
        yum.apply(plan, ctx);

        assertThat(dir.resolve("cscs-internal.repo")).doesNotExist();
        assertThat(dir.resolve("cscs-epel.repo")).exists();
        assertThat(dir.resolve("cscs-manual.repo")).hasContent("[manual]\nname=by hand\nbaseurl=file:///srv/r");
        assertThat(dir.resolve("fedora.repo")).exists();
        assertThat(yum.plan(List.of(entry("global", "epel", EPEL)), ctx).isEmpty()).isTrue();
    }

    @Test
    void refusesToReplaceAnUnmanagedFileWithTheSameName() throws Exception {
        Path dir = Files.createDirectories(root.resolve("etc/yum.repos.d"));
        Files.writeString(dir.resolve("cscs-epel.repo"), "[epel]\nname=hand made\n");
        Plan plan = yum.plan(List.of(entry("global", "epel", EPEL)), Support.offline(root));
        assertThat(plan.files()).isEmpty();
        assertThat(plan.conflicts()).extracting(Plan.Conflict::message).singleElement().asString()
                .contains("refusing to replace etc/yum.repos.d/cscs-epel.repo", "cscs did not write it");
        assertThat(dir.resolve("cscs-epel.repo")).hasContent("[epel]\nname=hand made");
    }

    @Test
    void rollbackRestoresByteIdenticalFilesAndModes() throws Exception {
        ApplyContext ctx = Support.offline(root);
        Support.converge(yum, desired(), ctx);
        Path epel = root.resolve("etc/yum.repos.d/cscs-epel.repo");
        Path internal = root.resolve("etc/yum.repos.d/cscs-internal.repo");
        Files.setPosixFilePermissions(epel, PosixFilePermissions.fromString("rw-r-----"));
        FileState epelBefore = FileState.read(epel);
        FileState internalBefore = FileState.read(internal);

        Applied changed = yum.apply(yum.plan(List.of(entry("global", "epel",
                "{\"baseurl\": \"https://other.example/el9/\"}")), ctx), ctx);
        assertThat(FileState.read(epel)).isNotEqualTo(epelBefore);
        // a chmod of a file cscs owns is drift: its own mode is back
        assertThat(Files.getPosixFilePermissions(epel)).isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(changed.drift()).extracting(Applied.Drift::path).containsExactly("etc/yum.repos.d/cscs-epel.repo");
        assertThat(internal).doesNotExist();

        yum.rollback(changed, ctx);
        assertThat(FileState.read(epel)).isEqualTo(epelBefore);
        assertThat(FileState.read(internal)).isEqualTo(internalBefore);
    }

    @Test
    void verifyNoticesAFileChangedBehindItsBack() throws Exception {
        ApplyContext ctx = Support.offline(root);
        Applied applied = Support.converge(yum, desired(), ctx);
        Files.writeString(root.resolve("etc/yum.repos.d/cscs-epel.repo"), "# Managed by cscs\n[epel]\nbaseurl=http://evil/\n");
        assertThatThrownBy(() -> yum.verify(applied, ctx)).isInstanceOf(CscsException.class)
                .hasMessageContaining("etc/yum.repos.d/cscs-epel.repo is not what apply wrote");
        assertThat(yum.plan(desired(), ctx).files())
                .containsExactly(new FileOp.Write("etc/yum.repos.d/cscs-epel.repo", expectedEpel(ctx)));
    }

    private String expectedEpel(ApplyContext ctx) {
        return ((FileApplier.Content) yum.render(List.of(entry("global", "epel", EPEL)), ctx).files()
                .get("etc/yum.repos.d/cscs-epel.repo")).text();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            newline injects a key      | epel     | {"name": "EPEL\\nbaseurl=http://evil/", "baseurl": "https://a.example/"} | yum/epel: field "name" contains a line break (U+000A) at index 4
            section header injected    | epel     | {"baseurl": "https://a.example/\\n[main]\\nreposdir=/tmp"} | yum/epel: field "baseurl" contains a line break (U+000A) at index 18
            CR injection               | epel     | {"baseurl": "https://a.example/\\r[x]"} | field "baseurl" contains a line break (U+000D)
            unicode line separator     | epel     | {"name": "a\\u2028gpgcheck=0", "baseurl": "https://a.example/"} | field "name" contains a line break (U+2028)
            control character          | epel     | {"name": "a\\u0007", "baseurl": "https://a.example/"} | field "name" contains control character U+0007 at index 1
            bidi override              | epel     | {"name": "a\\u202eb", "baseurl": "https://a.example/"} | field "name" contains invisible or unassigned character U+202E
            slash in name              | a/b      | {"baseurl": "https://a.example/"} | key name contains '/'
            dot-dot in name            | a..b     | {"baseurl": "https://a.example/"} | key name contains '..'
            shell metacharacter name   | a;rm     | {"baseurl": "https://a.example/"} | key name contains ';' at index 1
            space in URL               | epel     | {"baseurl": "https://a.example/x y"} | field "baseurl" contains a space at index 19
            shell in URL               | epel     | {"baseurl": "https://a.example/`id`"} | field "baseurl" contains '`' at index 18
            comma splits URL           | epel     | {"baseurl": "https://a.example/a,b"} | dnf splits list options on commas
            javascript scheme          | epel     | {"baseurl": "javascript:alert(1)"} | field "baseurl" must be a URL starting with one of file://, ftp://, http://, https://
            no source                  | epel     | {"name": "x"} | exactly one of baseurl, metalink, mirrorlist is required; found none
            two sources                | epel     | {"baseurl": "https://a.example/", "metalink": "https://b.example/"} | found baseurl and metalink
            typo field                 | epel     | {"basurl": "https://a.example/"} | unknown field "basurl"; allowed: baseurl, cost,
            bad boolean                | epel     | {"baseurl": "https://a.example/", "enabled": "maybe"} | field "enabled" must be true or false, got a string
            priority range             | epel     | {"baseurl": "https://a.example/", "priority": 1000} | field "priority" is 1000; it must be from 1 to 99
            not an object              | epel     | ["https://a.example/"] | yum/epel: the value must be a JSON object, got an array
            null field                 | epel     | {"baseurl": null} | field "baseurl" is null
            bad package glob           | epel     | {"baseurl": "https://a.example/", "exclude": ["a b"]} | field "exclude[0]" is not a package name or glob
            """)
    void validateRejectsHostileValuesWithAPreciseMessage(String why, String name, String value, String message) {
        assertThatThrownBy(() -> yum.validate(name, json(value)))
                .isInstanceOfSatisfying(CscsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_VALUE))
                .hasMessageContaining(message);
    }

    @Test
    void validateRejectsOversizedValues() {
        String longName = "x".repeat(201);
        assertThatThrownBy(() -> yum.validate("epel", json("{\"name\": \"" + longName + "\", \"baseurl\": \"https://a.example/\"}")))
                .hasMessage("yum/epel: field \"name\" is 201 characters long; at most 200");
        assertThatThrownBy(() -> yum.validate("e".repeat(129), json("{\"baseurl\": \"https://a.example/\"}")))
                .hasMessageContaining("key name is 129 characters long; at most 128");
        String many = "[" + "\"https://a.example/\",".repeat(17) + "\"https://a.example/\"]";
        assertThatThrownBy(() -> yum.validate("epel", json("{\"baseurl\": " + many + "}")))
                .hasMessage("yum/epel: field \"baseurl\" has 18 items; at most 16");
    }
}
