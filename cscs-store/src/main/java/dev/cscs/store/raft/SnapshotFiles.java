package dev.cscs.store.raft;

import dev.cscs.store.ConfigStore;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The snapshot files in the state machine directory, in the layout Ratis'
 * {@link SimpleStateMachineStorage} reads ({@code snapshot.<term>_<index>} and its
 * {@code .md5}). Writing is durable before anything relies on it: Ratis purges the log as
 * soon as {@code takeSnapshot} returns, so by then the snapshot bytes, its checksum file and
 * both directory entries must survive a power cut. Reading falls back: a newest snapshot that
 * is torn, corrupt or does not verify is moved aside ({@code .corrupt}) and the one before it
 * is used, with the log kept since then (see {@link RaftNode} for the purge settings).
 */
final class SnapshotFiles {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotFiles.class);
    static final String CORRUPT = ".corrupt";

    /** The file operations, each one a step whose order matters; tests record them. */
    interface Disk {
        void write(Path file, byte[] content) throws IOException;

        void force(Path path) throws IOException;

        void move(Path from, Path to) throws IOException;

        Disk REAL = new Disk() {
            @Override
            public void write(Path file, byte[] content) throws IOException {
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS)) {
                    ByteBuffer buf = ByteBuffer.wrap(content);
                    while (buf.hasRemaining()) {
                        ch.write(buf);
                    }
                }
            }

            /** fsync; on Linux a directory opened for reading can be fsynced too, which makes its entries durable. */
            @Override
            public void force(Path path) throws IOException {
                try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
                    ch.force(true);
                }
            }

            @Override
            public void move(Path from, Path to) throws IOException {
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        };
    }

    /** Decodes and verifies one snapshot file; throws when it cannot be restored. */
    interface Reader {
        ConfigStore read(InputStream in, TermIndex at) throws IOException;
    }

    /** A snapshot that restored: its file, its checksum and the state it holds. */
    record Restored(Path file, MD5Hash md5, TermIndex at, ConfigStore store) {
    }

    private final Disk disk;

    SnapshotFiles(Disk disk) {
        this.disk = disk;
    }

    /**
     * Writes {@code content} as the snapshot {@code file}: the data to a temp file, fsynced;
     * then the {@code .md5} (temp, fsync, rename), so a snapshot never appears without its
     * checksum; then the rename of the data into place; then an fsync of the directory, which
     * makes both renames durable. Returns the checksum.
     */
    MD5Hash write(Path file, byte[] content) throws IOException {
        Path dir = file.getParent();
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        disk.write(tmp, content);
        disk.force(tmp);
        MD5Hash md5 = MD5Hash.newInstance(MD5FileUtil.newMD5().digest(content));
        writeMd5(file, md5);
        disk.move(tmp, file);
        disk.force(dir);
        return md5;
    }

    private void writeMd5(Path file, MD5Hash md5) throws IOException {
        Path md5File = MD5FileUtil.getDigestFileForFile(file.toFile()).toPath();
        Path tmp = md5File.resolveSibling(md5File.getFileName() + ".tmp");
        disk.write(tmp, (md5 + " *" + file.getFileName() + "\n").getBytes(StandardCharsets.UTF_8));
        disk.force(tmp);
        disk.move(tmp, md5File);
    }

    /**
     * The newest snapshot in {@code dir} that restores, or {@code null} if there is none. Every
     * newer one (torn, checksum mismatch, or refused by the reader) is moved aside first, so that
     * Ratis' storage, which picks the newest file with a checksum, agrees on the same one.
     * Without {@code fallBack} (a snapshot just installed from the leader, whose index Raft
     * already relies on) the newest must restore, or this throws.
     */
    Restored newestRestorable(Path dir, Reader reader, boolean fallBack) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        for (Candidate c : candidates(dir)) {
            try {
                MD5Hash md5 = MD5FileUtil.readStoredMd5ForFile(c.file().toFile());
                MD5Hash actual = MD5FileUtil.computeMd5ForFile(c.file().toFile());
                if (md5 == null) {
                    // a snapshot installed from the leader may come without one: the codec's own checksum decides
                    md5 = actual;
                } else if (!md5.equals(actual)) {
                    throw new IOException("checksum " + actual + " does not match the stored " + md5);
                }
                ConfigStore store;
                try (InputStream in = new BufferedInputStream(Files.newInputStream(c.file(), LinkOption.NOFOLLOW_LINKS))) {
                    store = reader.read(in, c.at());
                }
                if (MD5FileUtil.readStoredMd5ForFile(c.file().toFile()) == null) {
                    writeMd5(c.file(), md5);
                    disk.force(dir);
                }
                return new Restored(c.file(), md5, c.at(), store);
            } catch (IOException | RuntimeException e) {
                LOG.error("snapshot {} cannot be restored ({}); moving it aside and trying the one before",
                        c.file().getFileName(), e.getMessage());
                moveAside(c.file());
                if (!fallBack) {
                    throw new IOException("snapshot " + c.file().getFileName() + " cannot be restored: " + e.getMessage(), e);
                }
            }
        }
        return null;
    }

    private void moveAside(Path file) throws IOException {
        Path md5 = MD5FileUtil.getDigestFileForFile(file.toFile()).toPath();
        if (Files.exists(md5, LinkOption.NOFOLLOW_LINKS)) {
            disk.move(md5, md5.resolveSibling(md5.getFileName() + CORRUPT));
        }
        disk.move(file, file.resolveSibling(file.getFileName() + CORRUPT));
        disk.force(file.getParent());
    }

    private record Candidate(Path file, TermIndex at) {
    }

    private static List<Candidate> candidates(Path dir) throws IOException {
        List<Candidate> out = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path p : stream) {
                Matcher m = SimpleStateMachineStorage.SNAPSHOT_REGEX.matcher(p.getFileName().toString());
                if (m.matches() && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.add(new Candidate(p, TermIndex.valueOf(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)))));
                }
            }
        }
        out.sort(Comparator.comparingLong((Candidate c) -> c.at().getIndex()).reversed());
        return out;
    }
}
