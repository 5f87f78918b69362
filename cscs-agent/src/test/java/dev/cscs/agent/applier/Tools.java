package dev.cscs.agent.applier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cscs.core.testing.Proc;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Real OS tools for the tests that check what the appliers write. They are required, not
 * optional: a missing tool fails the test with the Debian package to install (.ci/run installs
 * them all), because a silently skipped check proves nothing.
 */
final class Tools {
    private Tools() {
    }

    static void require(String tool, String debianPackage) {
        for (String dir : List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return;
            }
        }
        throw new AssertionError(tool + " is not installed: apt-get install -y " + debianPackage);
    }

    static void requireRoot() {
        assertThat(System.getProperty("user.name")).as("these tests create network namespaces and need root").isEqualTo("root");
    }

    static Proc.Result run(String... argv) {
        return Proc.run(List.of(argv), 60);
    }

    /** Copies a test resource (a helper script) into {@code dir} and returns its path. */
    static Path resource(String name, Path dir) {
        try (InputStream in = Tools.class.getResourceAsStream("tools/" + name)) {
            assertThat(in).as("test resource tools/%s", name).isNotNull();
            Path out = dir.resolve(name);
            Files.write(out, in.readAllBytes());
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
