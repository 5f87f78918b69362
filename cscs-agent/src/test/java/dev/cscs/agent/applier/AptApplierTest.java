package dev.cscs.agent.applier;

import static dev.cscs.agent.applier.Support.entry;
import static dev.cscs.agent.applier.Support.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.agent.os.FileState;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AptApplierTest {
    static final String DEBIAN = """
            {"types": ["deb", "deb-src"], "uris": ["https://deb.debian.org/debian"], "suites": ["bookworm", "bookworm-updates"],
             "components": ["main", "contrib"], "architectures": ["amd64", "arm64"]}""";

    final AptApplier apt = new AptApplier();
    @TempDir
    Path root;

    static String testKey() {
        try (InputStream in = AptApplierTest.class.getResourceAsStream("tools/test-key.asc")) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static DesiredEntry signed(String domain, String name, String key) {
        ObjectNode v = JsonNodeFactory.instance.objectNode();
        v.putArray("types").add("deb");
        v.putArray("uris").add("https://packages.example/debian");
        v.putArray("suites").add("bookworm");
        v.putArray("components").add("main");
        v.put("signedBy", key);
        return new DesiredEntry(domain, name, v);
    }

    List<DesiredEntry> desired() {
        return List.of(entry("global", "debian", DEBIAN), signed("factory-a", "vendor", testKey()));
    }

    @Test
    void rendersSourcesAndKeyringLikeTheGoldenFiles() {
        Support.converge(apt, desired(), Support.offline(root));
        Support.assertGolden("apt/cscs-debian.sources", Support.read(root.resolve("etc/apt/sources.list.d/cscs-debian.sources")));
        Support.assertGolden("apt/cscs-vendor.sources", Support.read(root.resolve("etc/apt/sources.list.d/cscs-vendor.sources")));
        Support.assertGolden("apt/cscs-vendor.asc", Support.read(root.resolve("etc/apt/keyrings/cscs-vendor.asc")));
    }

    @Test
    void signedByPointsAtTheKeyringAsTheDeviceSeesIt() {
        Support.converge(apt, desired(), Support.offline(root));
        assertThat(Support.read(root.resolve("etc/apt/sources.list.d/cscs-vendor.sources")))
                .contains("Signed-By: /etc/apt/keyrings/cscs-vendor.asc\n").doesNotContain(root.toString());
    }

    @Test
    void keyIsReArmoredWithoutTheSignersHeaders() {
        String withHeaders = testKey().replace(ArmoredKey.BEGIN + "\n", ArmoredKey.BEGIN + "\nComment: hello\nVersion: x\n");
        apt.apply(apt.plan(List.of(signed("factory-a", "vendor", withHeaders)), Support.offline(root)), Support.offline(root));
        assertThat(Support.read(root.resolve("etc/apt/keyrings/cscs-vendor.asc"))).doesNotContain("Comment", "Version");
        assertThat(apt.plan(desired().subList(1, 2), Support.offline(root)).files()).isEmpty();
    }

    @Test
    void secondPlanAfterApplyIsEmpty() {
        Applied applied = Support.converge(apt, desired(), Support.offline(root));
        assertThat(applied.files()).hasSize(3);
    }

    @Test
    void deletingAKeyRemovesItsSourcesAndKeyringButNoUnmanagedFile() throws Exception {
        ApplyContext ctx = Support.offline(root);
        Support.converge(apt, desired(), ctx);
        Path sources = root.resolve("etc/apt/sources.list.d");
        Files.writeString(sources.resolve("cscs-manual.sources"), "Types: deb\nURIs: https://x/\nSuites: a\nComponents: b\n");
        Files.writeString(root.resolve("etc/apt/keyrings/cscs-manual.asc"), testKey());

        Plan plan = apt.plan(List.of(entry("global", "debian", DEBIAN)), ctx);
        assertThat(plan.files()).containsExactly(new FileOp.Remove("etc/apt/sources.list.d/cscs-vendor.sources"),
                new FileOp.Remove("etc/apt/keyrings/cscs-vendor.asc"));
        apt.apply(plan, ctx);
        assertThat(sources.resolve("cscs-vendor.sources")).doesNotExist();
        assertThat(root.resolve("etc/apt/keyrings/cscs-vendor.asc")).doesNotExist();
        assertThat(sources.resolve("cscs-manual.sources")).exists();
        assertThat(root.resolve("etc/apt/keyrings/cscs-manual.asc")).exists();
    }

    @Test
    void rollbackRestoresByteIdenticalFiles() {
        ApplyContext ctx = Support.offline(root);
        Support.converge(apt, desired(), ctx);
        Path vendor = root.resolve("etc/apt/sources.list.d/cscs-vendor.sources");
        Path key = root.resolve("etc/apt/keyrings/cscs-vendor.asc");
        FileState vendorBefore = FileState.read(vendor);
        FileState keyBefore = FileState.read(key);
        Applied applied = apt.apply(apt.plan(List.of(entry("global", "vendor", DEBIAN)), ctx), ctx);
        assertThat(key).doesNotExist();
        apt.rollback(applied, ctx);
        assertThat(FileState.read(vendor)).isEqualTo(vendorBefore);
        assertThat(FileState.read(key)).isEqualTo(keyBefore);
        assertThat(root.resolve("etc/apt/sources.list.d/cscs-debian.sources")).exists();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            field injection via newline | d   | {"types": "deb", "uris": "https://a.example/", "suites": "bookworm\\nSigned-By: /tmp/evil.gpg", "components": "main"} | apt/d: field "suites" contains a line break (U+000A) at index 8
            blank line ends the stanza  | d   | {"types": "deb", "uris": "https://a.example/", "suites": "bookworm", "components": ["main\\n\\nTypes: deb"]} | field "components[0]" contains a line break
            colon field injection       | d   | {"types": "deb", "uris": "https://a.example/", "suites": "bookworm", "components": "main Trusted: yes"} | field "components[0]" is not a valid value
            trusted is refused          | d   | {"types": "deb", "uris": "https://a.example/", "suites": "bookworm", "components": "main", "trusted": true} | apt/d: field "trusted" is not supported: it switches off apt's signature checks
            unknown type                | d   | {"types": "rpm", "uris": "https://a.example/", "suites": "bookworm", "components": "main"} | field "types" has "rpm"; allowed: deb, deb-src
            missing URIs                | d   | {"types": "deb", "suites": "bookworm", "components": "main"} | apt/d: field "uris" is required
            ftp is gone from apt        | d   | {"types": "deb", "uris": "ftp://a.example/", "suites": "bookworm", "components": "main"} | field "uris[0]" must be a URL starting with one of file://
            shell metacharacters in uri | d   | {"types": "deb", "uris": "https://a.example/$(id)", "suites": "b", "components": "main"} | field "uris[0]" contains '$' at index 18
            components on a flat suite  | d   | {"types": "deb", "uris": "https://a.example/", "suites": "./", "components": "main"} | field "components" must be left out for a flat suite
            slash in name               | a/b | {"types": "deb"} | apt/"a/b": key name contains '/'
            dot-dot in name             | a..b | {"types": "deb"} | key name contains '..'
            colon in name               | a:b | {"types": "deb"} | apt ignores files whose names contain it
            key is not armor            | d   | {"types": "deb", "uris": "https://a.example/", "suites": "b", "components": "main", "signedBy": "mQINBF..."} | field "signedBy" must be an ASCII-armored public key starting with -----BEGIN PGP PUBLIC KEY BLOCK-----
            private key                 | d   | {"types": "deb", "uris": "https://a.example/", "suites": "b", "components": "main", "signedBy": "-----BEGIN PGP PRIVATE KEY BLOCK-----\\n\\nabc\\n-----END PGP PRIVATE KEY BLOCK-----"} | is a private key; give the public key
            """)
    void validateRejectsHostileValuesWithAPreciseMessage(String why, String name, String value, String message) {
        assertThatThrownBy(() -> apt.validate(name, json(value)))
                .isInstanceOfSatisfying(CscsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_VALUE))
                .hasMessageContaining(message);
    }

    @Test
    void validateRejectsDamagedArmor() {
        String key = testKey();
        String blankInside = key.replaceFirst("\n([A-Za-z0-9+/]{64})\n", "\n$1\n\n");
        assertThatThrownBy(() -> apt.validate("v", signed("d", "v", blankInside).value()))
                .hasMessageContaining("field \"signedBy\" has a blank line inside the armor");
        int mid = key.indexOf('\n', key.indexOf("\n\n") + 2) - 10;
        char c = key.charAt(mid);
        String flipped = key.substring(0, mid) + (c == 'A' ? 'B' : 'A') + key.substring(mid + 1);
        assertThatThrownBy(() -> apt.validate("v", signed("d", "v", flipped).value()))
                .hasMessageContaining("armor checksum does not match");
        String huge = ArmoredKey.BEGIN + "\n\n" + "QUFB\n".repeat(20000) + ArmoredKey.END;
        assertThatThrownBy(() -> apt.validate("v", signed("d", "v", huge).value()))
                .hasMessage("apt/v: field \"signedBy\" is 100072 characters long; at most 65536");
        String trailing = key + "Suites: evil\n";
        assertThatThrownBy(() -> apt.validate("v", signed("d", "v", trailing).value()))
                .hasMessageContaining("must end with " + ArmoredKey.END);
    }
}
