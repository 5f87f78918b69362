package dev.cscs.store;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.trust.JoinToken;
import dev.cscs.core.trust.TrustPolicy;
import java.time.Instant;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The nodes that joined with an operator-signed token: each token used once, before it expires,
 * and the node it names with its key, role, address and labels. Every accepted join is kept by
 * revision, so a snapshot carries them and a restore verifies each token again. Guarded by the
 * store's lock.
 */
final class Joins {
    private final Set<String> usedTokens = new TreeSet<>();
    private final Map<String, NodeView> joined = new TreeMap<>();
    private final NavigableMap<Long, LogEntry.Join> accepted = new TreeMap<>();

    /** Verifies {@code j} against {@code policy} and takes it; throws the reason it is refused, changing nothing. */
    void accept(long revision, LogEntry.Join j, TrustPolicy policy) {
        check(j.token(), policy, Instant.parse(j.received()));
        if (!"agent".equals(j.token().role()) && j.raft().isEmpty()) {
            throw new CscsException(ErrorCode.BAD_TOKEN, "node " + j.token().node() + " joins as a " + j.token().role()
                    + " but gave no raft address");
        }
        usedTokens.add(j.token().id().hex());
        accepted.put(revision, j);
        joined.put(j.token().node(), new NodeView(j.token().node(), j.token().role(), j.raft(), null,
                j.token().keyAlg().wireName(), j.token().key().spkiBase64(), revision, "join", j.token().labels()));
    }

    /** The token's own check at {@code now}: signatures, expiry, and not used before. */
    void check(JoinToken token, TrustPolicy policy, Instant now) {
        token.verify(policy, now, usedTokens.contains(token.id().hex()));
    }

    Map<String, NodeView> joined() {
        return joined;
    }

    Set<String> usedTokens() {
        return new TreeSet<>(usedTokens);
    }

    /** Every accepted join by revision: what a snapshot carries. */
    NavigableMap<Long, LogEntry> entries() {
        return new TreeMap<>(accepted);
    }

    void resetFrom(Joins other) {
        usedTokens.clear();
        usedTokens.addAll(other.usedTokens);
        joined.clear();
        joined.putAll(other.joined);
        accepted.clear();
        accepted.putAll(other.accepted);
    }
}
