package dev.cscs.agent.applier;

import dev.cscs.agent.os.FileState;
import java.util.Objects;

/**
 * One file apply changed: {@code before} is the backup (restored byte-identically by rollback),
 * {@code after} what verify expects to find, {@code ownerBefore} the path's ownership manifest
 * entry before (null: cscs did not own it), which rollback puts back. {@code path} is relative
 * to the root.
 */
public record FileChange(String path, FileState before, FileState after, OwnedPath ownerBefore) {
    public FileChange {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(after, "after");
    }

    public FileChange(String path, FileState before, FileState after) {
        this(path, before, after, null);
    }

    public String describe() {
        if (after instanceof FileState.Absent) {
            return "removed " + path;
        }
        if (after instanceof FileState.Symlink s) {
            return "linked " + path + " -> " + s.target();
        }
        return (before instanceof FileState.Absent ? "created " : "replaced ") + path;
    }
}
