package dev.cscs.agent.applier;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What {@link Applier#apply} would change: file operations (in order), live actions (only when
 * planned with a live context), and notes an operator should see even when nothing changes
 * (an overridden sshd option, a sysctl the running kernel lacks, an anti-lockout opt-out).
 *
 * <p>{@code adopt}: paths already holding exactly what cscs renders, with the pre-manifest
 * ownership header, that apply records as owned without writing them (the upgrade path).
 * {@code conflicts}: paths cscs would write but may not, each with its message; the rest of the
 * plan goes on without them.
 */
public record Plan(String applier, List<FileOp> files, List<LiveAction> live, List<String> notes, List<String> adopt,
                   List<Conflict> conflicts) {
    public Plan {
        Objects.requireNonNull(applier, "applier");
        files = List.copyOf(files);
        live = List.copyOf(live);
        notes = List.copyOf(notes);
        adopt = List.copyOf(adopt);
        conflicts = List.copyOf(conflicts);
    }

    public Plan(String applier, List<FileOp> files, List<LiveAction> live, List<String> notes) {
        this(applier, files, live, notes, List.of(), List.of());
    }

    /** A path cscs may not touch: not in the ownership manifest, or behind a symlinked directory. */
    public record Conflict(String path, String message) {
        public Conflict {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(message, "message");
        }
    }

    public static Plan empty(String applier) {
        return new Plan(applier, List.of(), List.of(), List.of());
    }

    /** In sync: nothing to write, remove, adopt or do live. Notes and conflicts do not count. */
    public boolean isEmpty() {
        return files.isEmpty() && live.isEmpty() && adopt.isEmpty();
    }

    /** One line for logs and status reports. */
    public String summary() {
        if (isEmpty() && conflicts.isEmpty()) {
            return applier + ": in sync";
        }
        List<String> parts = new ArrayList<>();
        files.forEach(f -> parts.add(f.describe()));
        adopt.forEach(p -> parts.add("adopt " + p));
        live.forEach(a -> parts.add(a.describe()));
        conflicts.forEach(c -> parts.add("conflict " + c.path()));
        return applier + ": " + String.join("; ", parts);
    }
}
