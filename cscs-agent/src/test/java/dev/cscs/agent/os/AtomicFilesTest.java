package dev.cscs.agent.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cscs.core.error.CscsException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void writeCreatesParentsAndUsesTheDefaultModeForANewFile() {
        Path f = dir.resolve("a/b/c.conf");
        FileState before = AtomicFiles.write(f, b("x\n"), AtomicFiles.DEFAULT_MODE);
        assertThat(before).isEqualTo(FileState.ABSENT);
        assertThat(FileState.read(f)).isEqualTo(new FileState.Regular(b("x\n"), PosixFilePermissions.fromString("rw-r--r--")));
    }

    @Test
    void writeKeepsTheModeOfTheReplacedFileAndReturnsItAsTheBackup() throws Exception {
        Path f = dir.resolve("c.conf");
        Files.write(f, b("old\n"));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        FileState before = AtomicFiles.write(f, b("new\n"), AtomicFiles.DEFAULT_MODE);
        assertThat(before).isEqualTo(new FileState.Regular(b("old\n"), PosixFilePermissions.fromString("rw-------")));
        assertThat(Files.getPosixFilePermissions(f)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(f)).isEqualTo("new\n");
    }

    @Test
    void noTempFileIsLeftBehind() throws Exception {
        AtomicFiles.write(dir.resolve("c.conf"), b("x"), AtomicFiles.DEFAULT_MODE);
        AtomicFiles.symlink(dir.resolve("l"), "/dev/null");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("c.conf", "l");
        }
    }

    @Test
    void writeReplacesASymlinkItselfNeverItsTarget() throws Exception {
        Path target = dir.resolve("precious");
        Files.write(target, b("keep"));
        Path link = dir.resolve("link.conf");
        Files.createSymbolicLink(link, target);
        assertThat(AtomicFiles.write(link, b("new"), AtomicFiles.DEFAULT_MODE)).isEqualTo(new FileState.Symlink(target.toString()));
        assertThat(Files.readString(target)).isEqualTo("keep");
        assertThat(Files.isSymbolicLink(link)).isFalse();
    }

    @Test
    void restorePutsBackBytesModeLinksAndAbsence() throws Exception {
        Path f = dir.resolve("f");
        Files.write(f, b("one"));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
        FileState regular = FileState.read(f);
        AtomicFiles.delete(f);
        AtomicFiles.restore(f, regular);
        assertThat(FileState.read(f)).isEqualTo(regular);

        FileState link = AtomicFiles.symlink(f, "/dev/null");
        assertThat(link).isEqualTo(regular);
        AtomicFiles.restore(f, new FileState.Symlink("/dev/null"));
        assertThat(Files.readSymbolicLink(f)).isEqualTo(Path.of("/dev/null"));
        AtomicFiles.restore(f, FileState.ABSENT);
        assertThat(f).doesNotExist();
    }

    @Test
    void aDirectoryInTheWayIsRefused() throws Exception {
        Path d = Files.createDirectory(dir.resolve("d.conf"));
        assertThatThrownBy(() -> AtomicFiles.write(d, b("x"), AtomicFiles.DEFAULT_MODE)).isInstanceOf(CscsException.class)
                .hasMessageContaining("is not a regular file or symlink");
    }
}
