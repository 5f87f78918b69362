package dev.cscs.core.error;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * Turns a file-system exception into an operator's sentence: NIO exceptions carry only the path
 * as their message, which said nothing about why ("cannot write a/b.key: a/b.key").
 */
public final class IoFailure {
    private IoFailure() {
    }

    /** {@code cannot VERB FILE: REASON}, as an {@link ErrorCode#IO} error. */
    public static CscsException of(String verb, Path file, IOException e) {
        return new CscsException(ErrorCode.IO, "cannot " + verb + " " + file + ": " + reason(file, e));
    }

    static String reason(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            Path parent = file.toAbsolutePath().getParent();
            return parent != null && !parent.toFile().isDirectory()
                    ? "the directory " + parent + " does not exist" : "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "it already exists";
        }
        if (e instanceof NotDirectoryException) {
            return "part of the path is a file, not a directory";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "the directory is not empty";
        }
        if (e instanceof FileSystemException) {
            String why = ((FileSystemException) e).getReason();
            return why != null ? why : e.getClass().getSimpleName();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
