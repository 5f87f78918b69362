package dev.cscs.agent.status;

import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Names;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One node's state after a reconcile. JSON shape: {@code dev/cscs/agent/status.md}.
 *
 * @param node      the node id
 * @param time      when the reconcile finished (millisecond precision)
 * @param revision  the highest source revision the agent has seen
 * @param applied   per chain ({@code _trust} first, then the node's domains), the seq and digest
 *                  of what is applied: the persisted high-water mark
 * @param heads     the heads of the agent's own verified chains, which may be ahead of
 *                  {@code applied} (not yet reconciled) or refused (behind the mark); the cluster
 *                  compares them across nodes
 * @param appliers  one result per applier this node runs, in run order
 * @param overrides keys set by several domains, where the later domain won
 * @param errors    refused changesets, high-water violations, unknown domains, I/O problems, file
 *                  conflicts and corrected drift (docs/appliers.md, "Ownership, drift and the apply journal")
 * @param notes     things worth knowing that are not errors (e.g. keys of appliers this node does not run)
 * @param domains   the domains this node applies, in order, and why each: its config, or a selector of the trust
 *                  policy matching its labels (empty in reports of agents from before selectors)
 */
public record StatusReport(String node, Instant time, long revision, List<DomainHead> applied, List<DomainHead> heads,
                           List<ApplierStatus> appliers, List<KeyOverride> overrides, List<Problem> errors,
                           List<String> notes, List<Subscribed> domains) {
    public static final String FORMAT = "cscs/status/v1";

    public StatusReport {
        Names.checkNodeId(node);
        time = Objects.requireNonNull(time, "time").truncatedTo(ChronoUnit.MILLIS);
        if (revision < 0) {
            throw new IllegalArgumentException("revision must be 0 or more: " + revision);
        }
        applied = List.copyOf(applied);
        heads = List.copyOf(heads);
        appliers = List.copyOf(appliers);
        overrides = List.copyOf(overrides);
        errors = List.copyOf(errors);
        notes = List.copyOf(notes);
        domains = List.copyOf(domains);
    }

    public StatusReport(String node, Instant time, long revision, List<DomainHead> applied, List<DomainHead> heads,
                        List<ApplierStatus> appliers, List<KeyOverride> overrides, List<Problem> errors, List<String> notes) {
        this(node, time, revision, applied, heads, appliers, overrides, errors, notes, List.of());
    }

    /** A domain the node applies, and why: {@code config}, or {@code selector LABEL=VALUE,...}. */
    public record Subscribed(String domain, String via) {
        public Subscribed {
            Objects.requireNonNull(domain, "domain");
            Objects.requireNonNull(via, "via");
        }
    }

    /** The position of one chain: {@code seq} 0 is a domain with no changeset yet. */
    public record DomainHead(String domain, long seq, Digest digest) {
        public DomainHead {
            Objects.requireNonNull(domain, "domain");
            Objects.requireNonNull(digest, "digest");
        }
    }

    /** One applier's result; {@code files} are the paths (relative to the root) this reconcile changed. */
    public record ApplierStatus(String applier, ApplierState state, String message, List<String> files) {
        public ApplierStatus {
            Objects.requireNonNull(applier, "applier");
            Objects.requireNonNull(state, "state");
            message = message == null ? "" : message;
            files = List.copyOf(files);
        }
    }

    /** {@code key} is taken from {@code domain}; the earlier {@code overridden} domains set it too. */
    public record KeyOverride(String key, String domain, List<String> overridden) {
        public KeyOverride {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(domain, "domain");
            overridden = List.copyOf(overridden);
        }
    }

    /** {@code code} is an {@link dev.cscs.core.error.ErrorCode#code() error code}. */
    public record Problem(String code, String message) {
        public Problem {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
        }
    }

    /** The applier result named {@code applier}, if it ran. */
    public Optional<ApplierStatus> applier(String applier) {
        return appliers.stream().filter(a -> a.applier().equals(applier)).findFirst();
    }

    /** Whether {@code other} says the same apart from its time: what status coalescing compares. */
    public boolean sameContent(StatusReport other) {
        return other != null && equals(new StatusReport(other.node, time, other.revision, other.applied, other.heads,
                other.appliers, other.overrides, other.errors, other.notes, other.domains));
    }

    /** Compact JSON in the shape of {@code status.md}. */
    public String toJson() {
        return StatusJson.write(this);
    }

    /** Strict inverse of {@link #toJson()}: unknown or missing fields are {@code MALFORMED}. */
    public static StatusReport fromJson(byte[] json) {
        return StatusJson.read(json);
    }

    public static StatusReport fromJson(String json) {
        return fromJson(json.getBytes(StandardCharsets.UTF_8));
    }
}
