package dev.cscs.core.trust;

import java.util.List;
import java.util.Set;

/**
 * Who may sign for a domain.
 *
 * @param appliers the appliers its changesets may touch, or {@code null} for all
 */
public record DomainRule(List<String> keyids, int threshold, Set<String> appliers) {
    public DomainRule {
        keyids = List.copyOf(keyids);
        appliers = appliers == null ? null : Set.copyOf(appliers);
    }

    public KeySet signers() {
        return new KeySet(keyids, threshold);
    }

    public boolean allows(String applier) {
        return appliers == null || appliers.contains(applier);
    }
}
