package dev.cscs.agent.applier;

import static dev.cscs.agent.applier.Support.entry;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cscs.core.testing.Proc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real apt-get reads the .sources files the apt applier writes, and gpg reads its keyring.
 * apt-get exits 0 on several broken files (os-tools.md), so the tests assert on its output.
 */
class AptGetTest {
    final AptApplier apt = new AptApplier();
    @TempDir
    Path root;
    @TempDir
    Path work;

    @BeforeAll
    static void tools() {
        Tools.require("apt-get", "apt");
        Tools.require("gpg", "gnupg");
    }

    private Proc.Result indextargets(Path sourceParts) {
        return Tools.run("apt-get", "-o", "Dir::Etc::SourceList=/dev/null", "-o", "Dir::Etc::SourceParts=" + sourceParts,
                "-o", "Dir::State::status=/dev/null", "indextargets", "--no-release-info",
                "--format", "$(SOURCESENTRY) $(TARGET_OF) $(REPO_URI) $(RELEASE) $(COMPONENT)");
    }

    @Test
    void aptGetListsATargetForEveryTypeSuiteAndComponent() {
        Support.converge(apt, List.of(entry("global", "debian", AptApplierTest.DEBIAN),
                AptApplierTest.signed("factory-a", "vendor", AptApplierTest.testKey()),
                entry("factory-a", "flat", "{\"types\": \"deb\", \"uris\": \"file:///srv/flat\", \"suites\": \"./\"}")),
                Support.offline(root));
        Path parts = root.resolve("etc/apt/sources.list.d");
        Proc.Result r = indextargets(parts).requireOk();
        assertThat(r.err()).doesNotContain("E:", "W:");
        List<String> lines = r.out().lines().map(l -> l.replace(parts + "/", "")).toList();
        assertThat(lines).isNotEmpty();
        assertThat(lines).contains(
                "cscs-debian.sources:1 deb https://deb.debian.org/debian/ bookworm main",
                "cscs-debian.sources:1 deb https://deb.debian.org/debian/ bookworm-updates contrib",
                "cscs-debian.sources:1 deb-src https://deb.debian.org/debian/ bookworm contrib",
                "cscs-vendor.sources:1 deb https://packages.example/debian/ bookworm main");
        assertThat(lines).anyMatch(l -> l.startsWith("cscs-flat.sources:1 deb file:/srv/flat/"));
    }

    @Test
    void gpgReadsTheKeyringItWroteWithItsOwnershipHeader() throws Exception {
        Support.converge(apt, List.of(AptApplierTest.signed("factory-a", "vendor", AptApplierTest.testKey())), Support.offline(root));
        Path home = Files.createDirectory(work.resolve("gnupg"));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
        Proc.Result r = Tools.run("gpg", "--homedir", home.toString(), "--batch", "--with-colons", "--show-keys",
                root.resolve("etc/apt/keyrings/cscs-vendor.asc").toString()).requireOk();
        assertThat(r.out()).contains("fpr:::::::::F36D7060BFDDBD25A9378E2A42479DC9E822EB35:", "uid:");
    }

    @Test
    void theCheckCanFailABrokenFile() throws Exception {
        Path parts = Files.createDirectories(work.resolve("parts"));
        Files.writeString(parts.resolve("broken.sources"), "Types: deb\nURIs: https://a.example/\nSuite: bookworm\nComponents: main\n");
        Proc.Result r = indextargets(parts);
        assertThat(r.exit()).isEqualTo(100);
        assertThat(r.err()).contains("Malformed entry 1");
        Files.delete(parts.resolve("broken.sources"));
        Files.writeString(parts.resolve("skipped.list.txt"), "deb https://a.example/ bookworm main\n");
        assertThat(indextargets(parts).out()).as("an ignored file lists nothing: assert non-empty output").isEmpty();
    }
}
