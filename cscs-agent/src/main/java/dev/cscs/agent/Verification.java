package dev.cscs.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.agent.HighWaterMarks.Violation;
import dev.cscs.agent.VerifiedChains.Refusal;
import dev.cscs.agent.feed.FeedItem;
import dev.cscs.agent.status.StatusReport.DomainHead;
import dev.cscs.agent.status.StatusReport.Problem;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Head;
import dev.cscs.core.model.Names;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the agent believes about its source, and why: its own verified chains, the high-water
 * marks that keep it from going back, the cache that survives restarts, whether its source is
 * fresh ({@link FreshnessWatch}, fed the signed records in their place among the changesets),
 * and the refusals it has to report. Deliveries go in through {@link #ingest};
 * {@link #violations} says whether the verified state may be applied; {@link #commit} records
 * that it was.
 *
 * <p>A snapshot is verified from the genesis into a fresh view and takes over only if all of
 * it verifies and it reaches both the marks and what this agent had already verified; otherwise
 * the previous view stays, so later changesets can still extend it. Not thread-safe.
 */
final class Verification {
    private static final Logger LOG = LoggerFactory.getLogger(Verification.class);
    private static final String SNAPSHOT = " snapshot";
    private final Changeset genesis;
    private List<String> domains;
    private final Path marksFile;
    private final VerifiedCache cache;
    private VerifiedChains chains;
    private HighWaterMarks marks;
    private String marksError;
    private boolean basis;
    /** After {@link #follow}: the replay has not yet reached what was applied, so a part of it is not applied. */
    private boolean catchingUp;
    private boolean dirty;
    /** The latest refusal per domain (or per snapshot), until that chain moves on. */
    private final Map<String, Problem> refusals = new LinkedHashMap<>();
    private final List<Problem> stateProblems = new ArrayList<>();
    private final FreshnessWatch freshness;

    /** Throws {@code UNTRUSTED_ANCHOR} or a verification error when the genesis itself is not trustworthy. */
    Verification(Changeset genesis, Digest anchor, List<String> domains, BiConsumer<String, JsonNode> validator, Path stateDir,
                 FreshnessWatch freshness) {
        this.freshness = freshness;
        this.genesis = genesis;
        this.domains = List.copyOf(domains);
        this.chains = VerifiedChains.fromGenesis(genesis, anchor, domains, validator);
        this.marksFile = stateDir.resolve("high-water.json");
        this.cache = new VerifiedCache(stateDir.resolve("verified.json"));
        this.marks = HighWaterMarks.none(marksFile);
    }

    /** Loads the marks and the cache (re-verified); returns what the cache held that did not verify. */
    List<Refusal> restore() {
        try {
            marks = HighWaterMarks.load(marksFile);
        } catch (CscsException e) {
            marksError = e.getMessage();
            LOG.error("{}; refusing to apply until it is repaired or removed", marksError);
        }
        Optional<VerifiedCache.Saved> saved;
        try {
            saved = cache.load();
        } catch (CscsException e) {
            stateProblem(e.code(), "the verified cache is unreadable (" + e.getMessage() + "); starting from revision 0");
            return List.of();
        }
        if (saved.isEmpty()) {
            return List.of();
        }
        List<String> listed = saved.get().domains();
        if (listed.isEmpty() || !Names.NODES.equals(listed.get(listed.size() - 1))) {
            // a cache from before the agent followed the registry lacks its history
            LOG.info("the verified cache does not hold the node registry: verifying again from revision 0");
            return List.of();
        }
        List<String> savedDomains = listed.subList(0, listed.size() - 1);
        if (savedDomains.size() > domains.size() && savedDomains.subList(0, domains.size()).equals(domains)) {
            // the config's domains and, after them, those selectors added: the first round resolves them again
            domains = List.copyOf(savedDomains);
        }
        if (!savedDomains.equals(domains)) {
            // an ordinary config change: the cache lacks the history of any new domain
            LOG.info("the watched domains changed from {} to {}: verifying again from revision 0", savedDomains, domains);
            return List.of();
        }
        VerifiedChains candidate = chains.fresh(genesis, domains);
        for (FeedItem item : saved.get().items()) {
            Optional<Refusal> r = candidate.offer(item);
            if (r.isPresent()) {
                stateProblem(r.get().code(), "the verified cache does not verify (" + r.get().message()
                        + "); discarded, starting from revision 0");
                return List.of(r.get());
            }
        }
        candidate.skipTo(saved.get().revision());
        chains = candidate;
        basis = true;
        LOG.info("restored {} verified changesets up to revision {}", candidate.accepted().size(), candidate.revision());
        return List.of();
    }

    /** Result of one drain: whether the verified state changed, and what was refused. */
    record Ingested(boolean changed, List<Refusal> refused) {
    }

    Ingested ingest(List<Inbox.Event> events) {
        boolean changed = false;
        List<Refusal> refused = new ArrayList<>();
        for (Inbox.Event ev : events) {
            if (ev instanceof Inbox.Fresh f) {
                // in its place: the view holds every changeset the source delivered before the record
                freshness.offer(f.freshness(), chains, domains);
                continue;
            }
            basis = true;
            if (ev instanceof Inbox.Batch b) {
                for (FeedItem item : b.items()) {
                    int before = chains.accepted().size();
                    Optional<Refusal> r = chains.offer(item);
                    if (r.isPresent()) {
                        refused.add(r.get());
                        refusals.put(item.domain(), problem(r.get().code(), describe(r.get())));
                    } else if (chains.accepted().size() > before) {
                        changed = true;
                        refusals.remove(item.domain());
                        refusals.remove(SNAPSHOT);
                    }
                }
            } else {
                Inbox.Snapshot s = (Inbox.Snapshot) ev;
                Optional<Refusal> r = snapshot(s);
                if (r.isPresent()) {
                    refused.add(r.get());
                    refusals.put(SNAPSHOT, problem(r.get().code(), "refused the snapshot at revision " + s.revision()
                            + ": " + (r.get().domain() == null ? r.get().message() : describe(r.get()))
                            + "; keeping the previously verified state"));
                } else {
                    changed = true;
                    refusals.clear();
                }
            }
        }
        dirty |= changed;
        if (catchingUp && basis && HighWaterMarks.violations(watchedMarks(), chains, "high-water mark").isEmpty()) {
            catchingUp = false;
        }
        return new Ingested(changed, refused);
    }

    private Optional<Refusal> snapshot(Inbox.Snapshot s) {
        VerifiedChains candidate = chains.fresh(genesis, domains);
        for (FeedItem item : s.items()) {
            Optional<Refusal> r = candidate.offer(item);
            if (r.isPresent()) {
                return r;
            }
        }
        candidate.skipTo(s.revision());
        List<Violation> v = new ArrayList<>(HighWaterMarks.violations(watchedMarks(), candidate, "high-water mark"));
        v.addAll(HighWaterMarks.violations(chains.heads(domains), candidate, "chain this agent verified before"));
        if (!v.isEmpty()) {
            return Optional.of(new Refusal(null, 0, s.revision(), null, v.get(0).code(),
                    String.join("; ", v.stream().map(Violation::message).toList())));
        }
        chains = candidate;
        return Optional.empty();
    }

    /**
     * The node's domains changed (a selector, or its labels): the view starts again from the
     * genesis for the new list, and has no basis until the feed, subscribed anew from revision 0,
     * delivers. The marks stay, so the replay cannot go back below what was applied.
     */
    void follow(List<String> next) {
        domains = List.copyOf(next);
        chains = chains.fresh(genesis, domains);
        basis = false;
        catchingUp = true;
        dirty = true;
        refusals.clear();
    }

    /** The domains this view follows, in the node's order. */
    List<String> domains() {
        return domains;
    }

    /**
     * Whether there is a verified configuration to enforce: a restored cache, or any delivery; after
     * {@link #follow}, a replay that has reached the high-water marks again (a part of it applied
     * would look like a rollback).
     */
    boolean hasBasis() {
        return basis && !catchingUp;
    }

    /** Why there is no basis yet, for the status. */
    String waiting() {
        return catchingUp ? "re-verifying the node's domains " + domains + " from the genesis since they changed; "
                + "keeping what is applied until the source has delivered up to it"
                : "no verified configuration yet: waiting for the first delivery from the source";
    }

    /** Why the verified state may not be applied now; empty when it may. */
    List<Violation> violations() {
        if (marksError != null) {
            return List.of(new Violation(ErrorCode.IO, marksError + "; refusing to apply until it is repaired or removed"));
        }
        return HighWaterMarks.violations(watchedMarks(), chains, "high-water mark");
    }

    /**
     * The marks of {@code _trust} and the watched domains. A domain dropped from the node's list
     * keeps its mark (it protects the node if the domain is watched again) but is not checked:
     * its changesets are no longer followed, so its chain here stays at seq 0.
     */
    private Map<String, Head> watchedMarks() {
        Map<String, Head> out = new LinkedHashMap<>(marks.marks());
        out.keySet().removeIf(d -> !Names.TRUST.equals(d) && !domains.contains(d));
        return out;
    }

    /**
     * The verified state is about to be applied: persist the cache (if it changed) and raise the
     * marks, durably, before any applier runs. Not for dry runs. Returns the problem when it could
     * not be saved (reported again by {@link #problems()} until a save succeeds); the caller must
     * then not apply.
     */
    Optional<Problem> commit() {
        try {
            if (dirty) {
                // _nodes last: the cache holds the registry's history too
                List<String> followed = new ArrayList<>(domains);
                followed.add(Names.NODES);
                cache.save(followed, chains.revision(), chains.accepted());
                dirty = false;
            }
            if (marks.advance(chains.heads(domains))) {
                LOG.debug("high-water marks now {}", marks.marks());
            }
            stateProblems.clear();
            return Optional.empty();
        } catch (CscsException e) {
            stateProblem(e.code(), "cannot persist the agent state: " + e.getMessage());
            return Optional.of(stateProblems.get(stateProblems.size() - 1));
        }
    }

    VerifiedChains chains() {
        return chains;
    }

    long resumeFrom() {
        return chains.revision();
    }

    /** What is applied: the marks, {@code _trust} first, then in watch order. */
    List<DomainHead> applied() {
        return ordered(marks.marks());
    }

    /** The agent's own verified heads, {@code _trust} first, then in watch order. */
    List<DomainHead> heads() {
        return ordered(chains.heads(domains));
    }

    private List<DomainHead> ordered(Map<String, Head> heads) {
        Set<String> order = new LinkedHashSet<>();
        order.add(Names.TRUST);
        order.addAll(domains);
        List<DomainHead> out = new ArrayList<>();
        for (String d : order) {
            Head h = heads.get(d);
            if (h != null) {
                out.add(new DomainHead(d, h.seq(), h.digest()));
            }
        }
        return out;
    }

    /** Why the agent should leave its source now (it withheld, or the device is stale), if it should. */
    Optional<String> abandonSource() {
        return freshness.abandon(chains);
    }

    /** Refusals, state problems, staleness and values their applier refused, for the status report. */
    List<Problem> problems() {
        List<Problem> out = new ArrayList<>(refusals.values());
        out.addAll(stateProblems);
        out.addAll(freshness.problems(chains));
        for (String d : domains) {
            chains.invalid(d).forEach((key, why) -> out.add(problem(ErrorCode.INVALID_VALUE, d + ": " + key + ": " + why)));
        }
        return out;
    }

    private void stateProblem(ErrorCode code, String message) {
        LOG.warn("{}", message);
        stateProblems.add(problem(code, message));
    }

    static String describe(Refusal r) {
        return "refused " + r.domain() + " seq " + r.seq() + " at revision " + r.revision()
                + (r.digest() == null ? "" : " (" + r.digest().shortForm() + "…)") + ": " + r.message();
    }

    private static Problem problem(ErrorCode code, String message) {
        return new Problem(code.code(), message);
    }
}
