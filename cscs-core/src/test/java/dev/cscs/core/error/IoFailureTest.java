package dev.cscs.core.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IoFailureTest {
    @TempDir
    Path dir;

    interface IoAction {
        void run() throws IOException;
    }

    private static CscsException failure(String verb, Path file, IoAction action) {
        try {
            action.run();
        } catch (IOException e) {
            return IoFailure.of(verb, file, e);
        }
        throw new AssertionError("expected an IOException");
    }

    @Test
    void aMissingDirectoryIsNamedNotJustThePathRepeated() {
        Path file = dir.resolve("missing/a.key");
        CscsException e = failure("write", file, () -> Files.write(file, new byte[1]));
        assertThat(e.code()).isEqualTo(ErrorCode.IO);
        assertThat(e.getMessage()).isEqualTo("cannot write " + file + ": the directory " + dir.resolve("missing")
                + " does not exist");
    }

    @Test
    void aMissingFileInAnExistingDirectoryIsNoSuchFile() {
        Path file = dir.resolve("a.pem");
        assertThat(failure("read", file, () -> Files.readAllBytes(file)).getMessage())
                .isEqualTo("cannot read " + file + ": no such file");
    }

    @Test
    void anExistingFileIsSaidToExist() throws IOException {
        Path file = Files.createFile(dir.resolve("a.pub"));
        assertThat(failure("write", file, () -> Files.createFile(file)).getMessage()).endsWith(": it already exists");
    }
}
