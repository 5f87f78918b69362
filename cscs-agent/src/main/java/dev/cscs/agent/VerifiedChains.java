package dev.cscs.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.agent.feed.FeedItem;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Head;
import dev.cscs.core.model.Names;
import dev.cscs.core.model.Op;
import dev.cscs.core.trust.Accepted;
import dev.cscs.core.trust.ChainState;
import dev.cscs.core.trust.TrustPolicy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * The agent's own verified view of the source: a {@link ChainState} rooted in the genesis the
 * node was provisioned with, the digest of every link (to compare with the high-water marks),
 * and each domain's values folded from its ops. Besides its domains it follows {@code _trust} and
 * the node registry {@code _nodes} (where its labels are). Nothing a feed says is believed until
 * {@link ChainState#accept} has checked it here.
 *
 * <p>Values are checked with their applier's {@code validate} as they are folded: an invalid
 * put is recorded and skipped, and the key keeps its previous value, so one bad value never
 * removes a setting that is enforced now. Not thread-safe; the reconcile lock guards it.
 */
final class VerifiedChains {
    /** Where a value came from: the changeset that last put it. */
    record Source(String domain, long seq, Digest digest) {
    }

    record Value(JsonNode value, Source source) {
    }

    /** A changeset that did not verify, with what the audit log and the status say about it. */
    record Refusal(String domain, long seq, long revision, Digest digest, ErrorCode code, String message) {
    }

    private final Digest genesisDigest;
    private final Set<String> domains;
    private final BiConsumer<String, JsonNode> validator;
    private final ChainState chains;
    private final Map<String, List<Digest>> links = new TreeMap<>();
    private final Map<String, TreeMap<String, Value>> values = new TreeMap<>();
    private final Map<String, TreeMap<String, String>> invalid = new TreeMap<>();
    private final List<FeedItem> accepted = new ArrayList<>();
    private long revision;

    private VerifiedChains(ChainState chains, Collection<String> domains, BiConsumer<String, JsonNode> validator) {
        this.chains = chains;
        this.genesisDigest = chains.trustHead().digest();
        this.domains = Set.copyOf(domains);
        this.validator = validator;
        links.put(Names.TRUST, new ArrayList<>(List.of(genesisDigest)));
    }

    /**
     * A view holding only the genesis. {@code validator} throws {@code INVALID_VALUE} for a value
     * its applier would refuse (and ignores keys of appliers it does not know).
     */
    static VerifiedChains fromGenesis(Changeset genesis, Digest anchor, Collection<String> domains,
                                      BiConsumer<String, JsonNode> validator) {
        return new VerifiedChains(ChainState.fromGenesis(genesis, anchor), domains, validator);
    }

    /** A fresh view of {@code watched} from the same genesis: to re-verify a snapshot or a cache, or when the node's domains change. */
    VerifiedChains fresh(Changeset genesis, Collection<String> watched) {
        return new VerifiedChains(ChainState.fromGenesis(genesis, genesisDigest), watched, validator);
    }

    /**
     * Verifies and folds one delivered changeset. A revision already seen, the genesis itself
     * and domains this node does not watch are ignored. Returns the refusal if it did not verify.
     */
    Optional<Refusal> offer(FeedItem item) {
        Changeset cs = item.changeset();
        String domain = item.domain();
        Digest digest = ChangesetCodec.digest(cs.body());
        if (Names.TRUST.equals(domain) && item.seq() == 1) {
            if (digest.matches(genesisDigest)) {
                return Optional.empty();
            }
            revision = Math.max(revision, item.revision());
            return Optional.of(new Refusal(domain, 1, item.revision(), digest, ErrorCode.UNTRUSTED_ANCHOR,
                    "a different genesis " + digest.shortForm() + "… (this node trusts " + genesisDigest.shortForm()
                            + "…): the source belongs to another cluster"));
        }
        if (item.revision() <= revision) {
            return Optional.empty();
        }
        revision = item.revision();
        if (!Names.TRUST.equals(domain) && !Names.NODES.equals(domain) && !domains.contains(domain)) {
            return Optional.empty();
        }
        Accepted a;
        try {
            a = chains.accept(cs);
        } catch (CscsException e) {
            return Optional.of(new Refusal(domain, item.seq(), item.revision(), digest, e.code(), e.getMessage()));
        }
        links.computeIfAbsent(domain, d -> new ArrayList<>()).add(a.digest());
        accepted.add(item);
        if (!Names.TRUST.equals(domain)) {
            fold(domain, new Source(domain, a.seq(), a.digest()), cs.body().ops());
        }
        return Optional.empty();
    }

    private void fold(String domain, Source source, List<Op> ops) {
        TreeMap<String, Value> kv = values.computeIfAbsent(domain, d -> new TreeMap<>());
        TreeMap<String, String> bad = invalid.computeIfAbsent(domain, d -> new TreeMap<>());
        for (Op op : ops) {
            bad.remove(op.key());
            if (op instanceof Op.Put put) {
                try {
                    validator.accept(put.key(), put.value());
                    kv.put(put.key(), new Value(put.value(), source));
                } catch (CscsException e) {
                    bad.put(put.key(), "seq " + source.seq() + ": " + e.getMessage()
                            + (kv.containsKey(put.key()) ? "; the previous value stays" : "; the key is not applied"));
                }
            } else {
                kv.remove(op.key());
            }
        }
    }

    /** A snapshot or a cache says everything up to {@code r} was delivered. */
    void skipTo(long r) {
        revision = Math.max(revision, r);
    }

    /** The highest revision seen, accepted or not: where a feed resumes. */
    long revision() {
        return revision;
    }

    TrustPolicy policy() {
        return chains.policy();
    }

    /** The head of {@code domain}'s chain, or {@code null} when the policy never named it. */
    Head head(String domain) {
        return chains.head(domain);
    }

    /** The digest of {@code domain}'s changeset {@code seq} (1 or more), if this view has it. */
    Optional<Digest> digestAt(String domain, long seq) {
        List<Digest> l = links.get(domain);
        return l == null || seq < 1 || seq > l.size() ? Optional.empty() : Optional.of(l.get((int) (seq - 1)));
    }

    /** Heads of {@code _trust} and the watched domains the policy names, {@code _trust} first then in watch order. */
    Map<String, Head> heads(List<String> order) {
        Map<String, Head> out = new LinkedHashMap<>();
        Set<String> names = new LinkedHashSet<>();
        names.add(Names.TRUST);
        names.addAll(order);
        for (String d : names) {
            Head h = chains.head(d);
            if (h != null) {
                out.put(d, h);
            }
        }
        return out;
    }

    /** {@code domain}'s verified, valid values by full key. */
    Map<String, Value> values(String domain) {
        return Collections.unmodifiableMap(values.getOrDefault(domain, new TreeMap<>()));
    }

    /** Keys of {@code domain} whose latest put its applier refused, with why. */
    Map<String, String> invalid(String domain) {
        return Collections.unmodifiableMap(invalid.getOrDefault(domain, new TreeMap<>()));
    }

    /** Every accepted changeset after the genesis, in revision order: what the cache stores. */
    List<FeedItem> accepted() {
        return Collections.unmodifiableList(accepted);
    }
}
