package dev.cscs.core.trust;

import dev.cscs.core.constraint.Constraints;
import java.util.List;
import java.util.Set;

/**
 * Who may sign for a domain.
 *
 * @param appliers    the appliers its changesets may touch, or {@code null} for all
 * @param constraints what its values may be ({@link Constraints#NONE} for anything valid)
 * @param selector    the devices it binds to by label, or {@code null} for only those whose config names it
 */
public record DomainRule(List<String> keyids, int threshold, Set<String> appliers, Constraints constraints, Selector selector) {
    public DomainRule {
        keyids = List.copyOf(keyids);
        appliers = appliers == null ? null : Set.copyOf(appliers);
        constraints = constraints == null ? Constraints.NONE : constraints;
    }

    public DomainRule(List<String> keyids, int threshold, Set<String> appliers) {
        this(keyids, threshold, appliers, Constraints.NONE, null);
    }

    public KeySet signers() {
        return new KeySet(keyids, threshold);
    }

    public boolean allows(String applier) {
        return appliers == null || appliers.contains(applier);
    }
}
