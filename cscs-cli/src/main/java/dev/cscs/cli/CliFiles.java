package dev.cscs.cli;

import dev.cscs.core.error.IoFailure;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.json.Limits;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** File input and output for the verbs: size-guarded reads with clear errors, and atomic writes. */
public final class CliFiles {
    private CliFiles() {
    }

    /** Makes {@code dir} and its missing parents. */
    public static void createDirectory(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw IoFailure.of("create the directory", dir, e);
        }
    }

    /** Makes the directory {@code file} goes into, so {@code --out new/dir/x} works. */
    public static void createParent(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            createDirectory(parent);
        }
    }

    public static byte[] read(Path file, long maxBytes) {
        try {
            long size = Files.size(file);
            if (size > maxBytes) {
                throw new CscsException(ErrorCode.TOO_LARGE, file + " is " + size + " bytes; the limit is " + maxBytes);
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CscsException(ErrorCode.IO, file + ": no such file");
        } catch (IOException e) {
            throw IoFailure.of("read", file, e);
        }
    }

    public static Changeset readChangeset(Path file) {
        byte[] bytes = read(file, Limits.DEFAULT.maxChangesetBytes());
        try {
            return ChangesetCodec.parse(bytes, Limits.DEFAULT);
        } catch (CscsException e) {
            throw new CscsException(e.code(), file + ": " + e.getMessage());
        }
    }

    /** Writes via a temp file in the same directory and a rename, so a reader never sees half a file. */
    public static void writeAtomic(Path file, byte[] content) {
        Path dir = file.toAbsolutePath().getParent();
        try {
            Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
            try {
                Files.write(tmp, content);
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new CscsException(ErrorCode.IO, "cannot write " + file + ": " + e.getMessage());
        }
    }
}
