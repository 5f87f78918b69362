package dev.cscs.core.trust;

import dev.cscs.core.crypto.KeyIdentity;
import dev.cscs.core.error.CscsException;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The value of {@code _trust/policy}: the keys, the root and operator key sets, and the
 * signers of each domain. Built only through {@link PolicyCodec}, which checks every
 * cross-reference. A policy never names one key twice (by {@link KeyIdentity}, not by
 * keyid), and thresholds count distinct keys, so one signature is never two.
 */
public record TrustPolicy(Map<String, KeyEntry> keys, KeySet roots, KeySet operators, Map<String, DomainRule> domains) {
    public TrustPolicy {
        keys = Collections.unmodifiableMap(new TreeMap<>(keys));
        domains = Collections.unmodifiableMap(new TreeMap<>(domains));
        Objects.requireNonNull(roots);
        Objects.requireNonNull(operators);
        requireOneKeyidPerKey(keys);
    }

    /** Whether the root set differs (keys or threshold); a rotation then also needs the new roots. */
    public boolean rootsDifferFrom(TrustPolicy other) {
        return !new HashSet<>(roots.keyids()).equals(new HashSet<>(other.roots.keyids()))
                || roots.threshold() != other.roots.threshold();
    }

    /** How many distinct keys of {@code set} signed, given the keyids whose signatures verified. */
    public long distinctKeys(Collection<String> signers, KeySet set) {
        return distinctKeys(keys, signers, set);
    }

    /** Counted by key identity: two keyids of one key (were a policy ever to hold them) count once. */
    static long distinctKeys(Map<String, KeyEntry> keys, Collection<String> signers, KeySet set) {
        return signers.stream().filter(set::contains).map(keys::get).filter(Objects::nonNull)
                .map(e -> e.key().identity()).distinct().count();
    }

    private static void requireOneKeyidPerKey(Map<String, KeyEntry> keys) {
        Map<KeyIdentity, String> seen = new HashMap<>();
        keys.forEach((keyid, entry) -> {
            String first = seen.putIfAbsent(entry.key().identity(), keyid);
            if (first != null) {
                throw CscsException.malformed("policy.keys: " + first + " and " + keyid + " are one key ("
                        + entry.key().identity().what() + "); a policy names each key once");
            }
        });
    }
}
