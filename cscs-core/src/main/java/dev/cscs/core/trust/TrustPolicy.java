package dev.cscs.core.trust;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The value of {@code _trust/policy}: the keys, the root and operator key sets, and the
 * signers of each domain. Built only through {@link PolicyCodec}, which checks every
 * cross-reference.
 */
public record TrustPolicy(Map<String, KeyEntry> keys, KeySet roots, KeySet operators, Map<String, DomainRule> domains) {
    public TrustPolicy {
        keys = java.util.Collections.unmodifiableMap(new TreeMap<>(keys));
        domains = java.util.Collections.unmodifiableMap(new TreeMap<>(domains));
        Objects.requireNonNull(roots);
        Objects.requireNonNull(operators);
    }

    /** Whether the root set differs (keys or threshold); a rotation then also needs the new roots. */
    public boolean rootsDifferFrom(TrustPolicy other) {
        return !new java.util.HashSet<>(roots.keyids()).equals(new java.util.HashSet<>(other.roots.keyids()))
                || roots.threshold() != other.roots.threshold();
    }
}
