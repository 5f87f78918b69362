package dev.cscs.agent.applier;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What an apply did: the files it changed (with their backups), the live actions it performed,
 * their inverses for rollback (in the order performed; rollback runs them last to first), notes,
 * and a one-line human summary.
 */
public record Applied(String applier, Instant at, List<FileChange> files, List<LiveAction> live,
                      List<LiveAction> undo, List<String> notes, String summary, List<Drift> drift) {
    /**
     * An owned path that was not what cscs last wrote (edited, replaced, chmod'ed or deleted by
     * someone else): apply put cscs's version back (or removed it, for a deleted key) and kept
     * what it {@code found} in {@code quarantine} (absolute; null when nothing was there).
     * {@code removed}: the path's key was deleted, so cscs removed it rather than put it back.
     */
    public record Drift(String path, String found, String quarantine, boolean removed) {
        public Drift {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(found, "found");
        }
    }

    public Applied {
        drift = List.copyOf(drift);
        Objects.requireNonNull(applier, "applier");
        Objects.requireNonNull(at, "at");
        files = List.copyOf(files);
        live = List.copyOf(live);
        undo = List.copyOf(undo);
        notes = List.copyOf(notes);
        Objects.requireNonNull(summary, "summary");
    }

    /** Whether anything was written, removed or done live. */
    public boolean changed() {
        return !files.isEmpty() || !live.isEmpty();
    }
}
