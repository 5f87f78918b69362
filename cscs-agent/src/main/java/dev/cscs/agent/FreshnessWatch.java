package dev.cscs.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cscs.agent.os.AtomicFiles;
import dev.cscs.agent.status.StatusReport.Problem;
import dev.cscs.core.crypto.PublicKeyRef;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.json.StrictJson;
import dev.cscs.core.model.Head;
import dev.cscs.core.model.JsonFields;
import dev.cscs.core.model.Names;
import dev.cscs.core.trust.Freshness;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this device still hears its cluster (issue #14, part 3). A freshness record counts when
 * a key of the verified {@code _nodes} registry signed it, it is newer than every record taken
 * before (also across restarts: the newest time taken is kept on disk), and its heads are exactly
 * the device's own verified heads. Heads ahead of the device's show that the source withheld
 * changesets (or served a fork); the device then distrusts that source.
 *
 * <p>Staleness is measured on the device's monotonic clock, so no secure wall clock is needed: the
 * lag is how far the signed time has fallen behind the device's own clock since the first record it
 * took after starting. So old records fed slowly, one at a time, do not keep a device fresh: their
 * signed time does not keep pace. The watch is armed once the verified registry names a key that
 * may sign; a cluster that never registered one never makes its devices stale. Not thread-safe.
 */
final class FreshnessWatch {
    private static final Logger LOG = LoggerFactory.getLogger(FreshnessWatch.class);
    static final String FORMAT = "cscs/agent-freshness/v1";
    private final Duration maxStaleness;
    private final LongSupplier nanos;
    private final Path file;
    private final boolean persist;
    private final long startedAt;
    /** The newest signed time taken, this run or before (from the file). */
    private Instant newest;
    private Instant saved;
    /** The first record taken this run, on both clocks; absent until one is. */
    private long anchorAt;
    private Instant anchorIssued;
    private Problem withheld;
    private String ignored;
    /** Why the agent should leave its source, until {@link #abandon} hands it on. */
    private String leave;
    private long leftAt;

    FreshnessWatch(Duration maxStaleness, LongSupplier nanos, Path file, boolean persist) {
        this.maxStaleness = maxStaleness;
        this.nanos = nanos;
        this.file = file;
        this.persist = persist;
        this.startedAt = nanos.getAsLong();
        this.newest = load(file);
        this.saved = newest;
    }

    /**
     * Checks one delivered record against the device's verified view, which holds every changeset
     * the source delivered before it.
     */
    void offer(Freshness f, VerifiedChains chains, List<String> domains) {
        Optional<PublicKeyRef> key = signerKey(chains, f.node());
        if (key.isEmpty() || !f.signedBy(key.get())) {
            ignored = "a freshness record in the name of " + f.node() + " that no key of the verified registry signed";
            LOG.warn("ignoring {}", ignored);
            return;
        }
        List<String> ahead = new ArrayList<>();
        boolean behind = false;
        for (String d : followed(domains)) {
            Head mine = chains.head(d);
            Head signed = f.heads().get(d);
            if (mine == null || signed == null) {
                continue;
            }
            if (signed.seq() > mine.seq() || signed.seq() == mine.seq() && !signed.digest().matches(mine.digest())) {
                ahead.add(d + " at seq " + signed.seq() + (signed.seq() == mine.seq() ? " with another digest" : "")
                        + " (this device has seq " + mine.seq() + ")");
            } else if (signed.seq() < mine.seq()) {
                behind = true;
            }
        }
        if (!ahead.isEmpty()) {
            withheld = new Problem(ErrorCode.WITHHELD.code(), "the source withholds changesets: " + f.node()
                    + " signed at " + f.issued() + " that " + String.join(", ", ahead)
                    + "; it gave this device less than the cluster signed, so the device moves to another server");
            LOG.error("{}", withheld.message());
            leave = withheld.message();
            return;
        }
        withheld = null;
        if (behind || newest != null && !f.issued().isAfter(newest)) {
            // older than what this device verified or took: a replay proves nothing about now
            return;
        }
        take(f.issued());
    }

    /**
     * Why the agent should move to another source now: the source withheld, or the device is stale
     * (asked again at most every quarter of {@code maxStaleness}, so a frozen fleet does not spin).
     */
    Optional<String> abandon(VerifiedChains chains) {
        long now = nanos.getAsLong();
        if (leave == null && armed(chains) && stale() && (leftAt == 0 || now - leftAt >= maxStaleness.toNanos() / 4)) {
            leave = "stale: no signed freshness record for " + lag().toSeconds() + " s";
        }
        if (leave == null) {
            return Optional.empty();
        }
        String why = leave;
        leave = null;
        leftAt = now;
        return Optional.of(why);
    }

    private void take(Instant issued) {
        long now = nanos.getAsLong();
        if (anchorIssued == null || lagNanos(now, issued) < 0) {
            // the first this run, or a signer's clock ahead of the device's: lag is never below 0
            anchorAt = now;
            anchorIssued = issued;
        }
        newest = issued;
        ignored = null;
        if (persist && (saved == null || Duration.between(saved, issued).compareTo(maxStaleness.dividedBy(4)) >= 0)) {
            save(issued);
        }
    }

    private long lagNanos(long now, Instant issued) {
        return anchorIssued == null ? now - startedAt : now - anchorAt - Duration.between(anchorIssued, issued).toNanos();
    }

    /** How far the signed time lags behind this device's clock (since the start, before any record). */
    Duration lag() {
        return Duration.ofNanos(Math.max(0, lagNanos(nanos.getAsLong(), newest)));
    }

    /** Whether the verified registry names a key that may sign freshness records, and staleness is on. */
    boolean armed(VerifiedChains chains) {
        if (maxStaleness.isZero()) {
            return false;
        }
        return chains.values(Names.NODES).values().stream().anyMatch(v -> Freshness.signerKey(v.value()).isPresent());
    }

    /** The status problems: stale (no fresh record for longer than allowed), withheld, an unverifiable record. */
    List<Problem> problems(VerifiedChains chains) {
        List<Problem> out = new ArrayList<>();
        if (armed(chains) && stale()) {
            out.add(new Problem(ErrorCode.STALE.code(), "stale: no signed freshness record newer than "
                    + (newest == null ? "this agent's start" : newest.toString()) + " for " + lag().toSeconds()
                    + " s (agent.maxStaleness " + maxStaleness.toSeconds() + " s); keeping the last verified configuration"
                    + (ignored == null ? "" : "; last seen: " + ignored)));
        }
        if (withheld != null) {
            out.add(withheld);
        }
        return out;
    }

    boolean stale() {
        return !maxStaleness.isZero() && lag().compareTo(maxStaleness) > 0;
    }

    private static Optional<PublicKeyRef> signerKey(VerifiedChains chains, String node) {
        VerifiedChains.Value v = chains.values(Names.NODES).get(Names.nodeKey(node));
        return v == null ? Optional.empty() : Freshness.signerKey(v.value());
    }

    private static List<String> followed(List<String> domains) {
        List<String> out = new ArrayList<>(List.of(Names.TRUST, Names.NODES));
        out.addAll(domains);
        return out;
    }

    private static Instant load(Path file) {
        try {
            JsonNode o = JsonFields.object(StrictJson.parse(Files.readAllBytes(file), 4, file.toString()), file.toString(),
                    Set.of("format", "newest"), Set.of());
            if (!FORMAT.equals(JsonFields.text(o, "format", file.toString()))) {
                throw CscsException.malformed(file + ": format is not " + FORMAT);
            }
            return Instant.parse(JsonFields.text(o, "newest", file.toString()));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | RuntimeException e) {
            // only a lower bound on replays is lost: the next record sets it again
            LOG.warn("{} is unreadable ({}); starting without it", file, e.getMessage());
            return null;
        }
    }

    private void save(Instant issued) {
        try {
            byte[] json = JsonNodeFactory.instance.objectNode().put("format", FORMAT).put("newest", issued.toString())
                    .toString().getBytes(StandardCharsets.UTF_8);
            AtomicFiles.write(file, json, AtomicFiles.DEFAULT_MODE);
            saved = issued;
        } catch (CscsException e) {
            LOG.warn("cannot save {}: {}", file, e.getMessage());
        }
    }
}
