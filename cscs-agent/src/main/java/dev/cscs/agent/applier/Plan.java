package dev.cscs.agent.applier;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What {@link Applier#apply} would change: file operations (in order), live actions (only when
 * planned with a live context), and notes an operator should see even when nothing changes
 * (an overridden sshd option, a sysctl the running kernel lacks, an anti-lockout opt-out).
 */
public record Plan(String applier, List<FileOp> files, List<LiveAction> live, List<String> notes) {
    public Plan {
        Objects.requireNonNull(applier, "applier");
        files = List.copyOf(files);
        live = List.copyOf(live);
        notes = List.copyOf(notes);
    }

    public static Plan empty(String applier) {
        return new Plan(applier, List.of(), List.of(), List.of());
    }

    /** In sync: nothing to write, remove or do live. Notes do not count. */
    public boolean isEmpty() {
        return files.isEmpty() && live.isEmpty();
    }

    /** One line for logs and status reports. */
    public String summary() {
        if (isEmpty()) {
            return applier + ": in sync";
        }
        List<String> parts = new ArrayList<>();
        files.forEach(f -> parts.add(f.describe()));
        live.forEach(a -> parts.add(a.describe()));
        return applier + ": " + String.join("; ", parts);
    }
}
