package dev.cscs.core.model;

import java.util.ArrayList;
import java.util.List;

/** A signed changeset: the only unit that is signed and written (DESIGN.md §2). */
public record Changeset(ChangesetBody body, List<Signature> signatures) {
    public Changeset {
        signatures = List.copyOf(signatures);
    }

    public Changeset withSignature(Signature s) {
        List<Signature> all = new ArrayList<>(signatures);
        all.removeIf(existing -> existing.keyid().equals(s.keyid()));
        all.add(s);
        return new Changeset(body, all);
    }
}
