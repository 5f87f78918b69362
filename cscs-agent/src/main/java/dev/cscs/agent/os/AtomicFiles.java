package dev.cscs.agent.os;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Crash-safe replacement of one file: readers see the old bytes or the new ones, never a torn
 * file, and after a power cut the directory entry is durable (consul-template's renderer does
 * the same). The temp file sits in the target's directory, because rename is only atomic within
 * one file system, and its name starts with a dot and ends in {@code .cscs-tmp}, which no tool
 * reading {@code *.repo}, {@code *.sources}, {@code *.conf}, {@code *.nft} or unit names picks up.
 */
public final class AtomicFiles {
    /** Mode of a file that did not exist before: readable configuration, writable by root. */
    public static final Set<PosixFilePermission> DEFAULT_MODE = PosixFilePermissions.fromString("rw-r--r--");
    private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwxr-xr-x");

    private AtomicFiles() {
    }

    /**
     * Replaces {@code target} with {@code content} and returns what was there before (the backup).
     * The replaced regular file's mode is kept; a new file gets {@code modeIfNew}.
     */
    public static FileState write(Path target, byte[] content, Set<PosixFilePermission> modeIfNew) {
        FileState before = FileState.read(target);
        Set<PosixFilePermission> mode = before instanceof FileState.Regular r ? r.mode() : modeIfNew;
        commit(stage(target, content, mode), target);
        return before;
    }

    /**
     * Writes {@code content} to a durable temp file beside {@code target} (creating missing parent
     * directories) and returns its path; {@link #commit} renames it into place. Between the two a
     * caller can check the staged file with a real tool before anything reads it under its name.
     */
    public static Path stage(Path target, byte[] content, Set<PosixFilePermission> mode) {
        Path dir = parent(target);
        Path tmp = null;
        try {
            ensureDirectory(dir);
            tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".cscs-tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                // explicit, so the process umask never decides the mode of a security file; before
                // the fsync, which makes the mode durable with the bytes
                Files.setPosixFilePermissions(tmp, mode);
                ch.force(true);
            }
            return tmp;
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new CscsException(ErrorCode.IO, "cannot write a temp file beside " + target + ": " + e, e);
        }
    }

    /** Atomically renames a {@linkplain #stage staged} file onto {@code target}, then syncs the directory. */
    public static void commit(Path staged, Path target) {
        try {
            // the rename must land in the directory that was checked, not through a link swapped in
            NoFollow.requireDirectory(parent(target));
            Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            deleteQuietly(staged);
            throw new CscsException(ErrorCode.IO, "cannot rename atomically onto " + target + ": " + e.getMessage(), e);
        } catch (IOException | CscsException e) {
            deleteQuietly(staged);
            throw e instanceof CscsException c ? c : new CscsException(ErrorCode.IO, "cannot rename onto " + target + ": " + e, e);
        }
        syncDirectory(parent(target));
    }

    /** Atomically makes {@code target} a symlink to {@code linkTarget}; returns what was there before. */
    public static FileState symlink(Path target, String linkTarget) {
        FileState before = FileState.read(target);
        Path dir = parent(target);
        Path tmp = dir.resolve("." + target.getFileName() + "." + ProcessHandle.current().pid() + "-"
                + System.nanoTime() + ".cscs-tmp");
        try {
            ensureDirectory(dir);
            Files.createSymbolicLink(tmp, Path.of(linkTarget));
        } catch (IOException e) {
            throw new CscsException(ErrorCode.IO, "cannot create a symlink beside " + target + ": " + e, e);
        }
        commit(tmp, target);
        return before;
    }

    /** Removes {@code target} (a file or symlink, never a directory); returns what was there before. */
    public static FileState delete(Path target) {
        FileState before = FileState.read(target);
        if (!(before instanceof FileState.Absent)) {
            try {
                NoFollow.requireDirectory(parent(target));
                Files.deleteIfExists(target);
            } catch (IOException e) {
                throw new CscsException(ErrorCode.IO, "cannot remove " + target + ": " + e, e);
            }
            syncDirectory(parent(target));
        }
        return before;
    }

    /** Puts back exactly {@code previous}: same bytes and mode, same link target, or nothing. */
    public static void restore(Path target, FileState previous) {
        // no pattern switch: Java 17 has it only as a preview
        if (previous instanceof FileState.Regular r) {
            commit(stage(target, r.content(), r.mode()), target);
        } else if (previous instanceof FileState.Symlink s) {
            symlink(target, s.target());
        } else {
            delete(target);
        }
    }

    private static Path parent(Path target) {
        Path dir = target.toAbsolutePath().getParent();
        if (dir == null) {
            throw new CscsException(ErrorCode.IO, "no parent directory for " + target);
        }
        return dir;
    }

    private static void ensureDirectory(Path dir) throws IOException {
        NoFollow.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
    }

    /**
     * Creates {@code target}, which must not exist (not even as a dangling link), with
     * {@code content} and {@code mode}, durably; its directory is created (mode 0700) if missing.
     * For evidence files: nothing is ever replaced and no link is followed.
     */
    public static void createNew(Path target, byte[] content, Set<PosixFilePermission> mode) {
        Path dir = parent(target);
        try {
            NoFollow.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            try (FileChannel ch = FileChannel.open(target, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(mode))) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                // the umask may have narrowed the mode given at creation; set it before the fsync
                Files.setPosixFilePermissions(target, mode);
                ch.force(true);
            }
        } catch (IOException e) {
            throw new CscsException(ErrorCode.IO, "cannot create " + target + ": " + e, e);
        }
        syncDirectory(dir);
    }

    static void syncDirectory(Path dir) {
        // makes the rename itself durable; Linux allows fsync on a directory opened read-only
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            throw new CscsException(ErrorCode.IO, "cannot sync directory " + dir + ": " + e, e);
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // best effort: a leftover .cscs-tmp file is ignored by every tool
            }
        }
    }
}
