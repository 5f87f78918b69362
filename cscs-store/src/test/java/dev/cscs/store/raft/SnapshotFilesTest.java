package dev.cscs.store.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.testing.Chains;
import dev.cscs.store.ConfigStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.util.MD5FileUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The snapshot writer's steps, in order, through a recording {@link SnapshotFiles.Disk}. This
 * proves the order of the calls and that the real Disk's force is FileChannel.force; it cannot
 * prove that the kernel and the device honour an fsync (no power is cut here).
 */
class SnapshotFilesTest {
    @TempDir
    Path dir;

    /** Does the real work and records each step by file name. */
    static final class Recording implements SnapshotFiles.Disk {
        final List<String> steps = new ArrayList<>();

        @Override
        public void write(Path file, byte[] content) throws IOException {
            steps.add("write " + file.getFileName());
            REAL.write(file, content);
        }

        @Override
        public void force(Path path) throws IOException {
            steps.add("fsync " + path.getFileName());
            REAL.force(path);
        }

        @Override
        public void move(Path from, Path to) throws IOException {
            steps.add("rename " + from.getFileName() + " -> " + to.getFileName());
            REAL.move(from, to);
        }
    }

    @Test
    void theDataAndItsChecksumAreFsyncedBeforeTheirRenamesAndTheDirectoryAfter() throws Exception {
        Recording disk = new Recording();

        new SnapshotFiles(disk).write(dir.resolve("snapshot.2_40"), "state".getBytes(StandardCharsets.UTF_8));

        String d = dir.getFileName().toString();
        assertThat(disk.steps).containsExactly(
                "write snapshot.2_40.tmp", "fsync snapshot.2_40.tmp",
                "write snapshot.2_40.md5.tmp", "fsync snapshot.2_40.md5.tmp", "rename snapshot.2_40.md5.tmp -> snapshot.2_40.md5",
                "rename snapshot.2_40.tmp -> snapshot.2_40",
                "fsync " + d);
        assertThat(MD5FileUtil.readStoredMd5ForFile(dir.resolve("snapshot.2_40").toFile()))
                .isEqualTo(MD5FileUtil.computeMd5ForFile(dir.resolve("snapshot.2_40").toFile()));
    }

    private static ConfigStore accept(InputStream in, TermIndex at) throws IOException {
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        if (!text.equals("good " + at.getIndex())) {
            throw new IOException("snapshot is truncated");
        }
        return new ConfigStore(Chains.genesis(), ChangesetCodec.digest(Chains.genesis().body()), 10);
    }

    @Test
    void aTornNewestSnapshotIsMovedAsideAndThePreviousOneIsRestored() throws Exception {
        SnapshotFiles files = new SnapshotFiles(SnapshotFiles.Disk.REAL);
        files.write(dir.resolve("snapshot.1_20"), "good 20".getBytes(StandardCharsets.UTF_8));
        files.write(dir.resolve("snapshot.1_40"), "good 40".getBytes(StandardCharsets.UTF_8));
        Files.write(dir.resolve("snapshot.1_40"), new byte[0]); // what a power cut before an fsync can leave

        SnapshotFiles.Restored r = files.newestRestorable(dir, SnapshotFilesTest::accept, true);

        assertThat(r.at()).isEqualTo(TermIndex.valueOf(1, 20));
        assertThat(dir.resolve("snapshot.1_40")).doesNotExist();
        assertThat(dir.resolve("snapshot.1_40.corrupt")).exists();
        assertThat(dir.resolve("snapshot.1_40.md5.corrupt")).exists();
    }

    @Test
    void aSnapshotTheReaderRefusesIsSkippedButAnInstalledOneMustRestore() throws Exception {
        SnapshotFiles files = new SnapshotFiles(SnapshotFiles.Disk.REAL);
        files.write(dir.resolve("snapshot.1_20"), "good 20".getBytes(StandardCharsets.UTF_8));
        files.write(dir.resolve("snapshot.1_40"), "forged".getBytes(StandardCharsets.UTF_8)); // checksum fine, content not

        assertThatThrownBy(() -> files.newestRestorable(dir, SnapshotFilesTest::accept, false))
                .hasMessageContaining("snapshot.1_40 cannot be restored");
        assertThat(files.newestRestorable(dir, SnapshotFilesTest::accept, true).at()).isEqualTo(TermIndex.valueOf(1, 20));
    }
}
