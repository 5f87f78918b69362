package dev.cscs.agent.os;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Set;

/**
 * What is at a path, read without following a final symlink: nothing, a regular file (bytes and
 * mode), or a symlink (its target). It is both the backup taken before a change and the state a
 * verify compares against, so restoring it gives byte-identical content and the same mode.
 */
public sealed interface FileState {
    /** Larger files are not ours: every file an applier writes is a small text file. */
    long MAX_SIZE = 4L << 20;

    /** Nothing at the path. */
    record Absent() implements FileState {
        @Override
        public String toString() {
            return "absent";
        }
    }

    /** A regular file. */
    record Regular(byte[] content, Set<PosixFilePermission> mode) implements FileState {
        public Regular {
            content = content.clone();
            mode = Set.copyOf(mode);
        }

        @Override
        public byte[] content() {
            return content.clone();
        }

        public String text() {
            return new String(content, StandardCharsets.UTF_8);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Regular r && Arrays.equals(content, r.content) && mode.equals(r.mode);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(content) * 31 + mode.hashCode();
        }

        @Override
        public String toString() {
            return "file(" + content.length + " bytes, " + PosixFilePermissions.toString(mode) + ")";
        }
    }

    /** A symbolic link; {@code target} as stored in the link, not resolved. */
    record Symlink(String target) implements FileState {
        @Override
        public String toString() {
            return "symlink -> " + target;
        }
    }

    FileState ABSENT = new Absent();

    /** Reads {@code path}; a directory, device or oversized file is refused with {@link ErrorCode#IO}. */
    static FileState read(Path path) {
        try {
            BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (attrs.isSymbolicLink()) {
                return new Symlink(Files.readSymbolicLink(path).toString());
            }
            if (!attrs.isRegularFile()) {
                throw new CscsException(ErrorCode.IO, path + " is not a regular file or symlink; refusing to touch it");
            }
            if (attrs.size() > MAX_SIZE) {
                throw new CscsException(ErrorCode.IO, path + " is larger than " + MAX_SIZE + " bytes; not a file cscs wrote");
            }
            byte[] bytes = Files.readAllBytes(path);
            return new Regular(bytes, Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
        } catch (NoSuchFileException e) {
            return ABSENT;
        } catch (IOException e) {
            throw new CscsException(ErrorCode.IO, "cannot read " + path + ": " + e, e);
        }
    }
}
