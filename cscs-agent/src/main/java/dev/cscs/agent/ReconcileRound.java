package dev.cscs.agent;

import dev.cscs.agent.HighWaterMarks.Violation;
import dev.cscs.agent.VerifiedChains.Refusal;
import dev.cscs.agent.status.StatusReport;
import dev.cscs.agent.status.StatusReport.ApplierStatus;
import dev.cscs.agent.status.StatusReport.KeyOverride;
import dev.cscs.agent.status.StatusReport.Problem;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.model.Labels;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reconcile, start to end: drain the inbox into the verified view, decide whether that view
 * may be applied (a basis, no high-water violation), persist it, resolve and run the appliers,
 * and build the status report. The caller serializes rounds.
 */
final class ReconcileRound {
    private static final Logger LOG = LoggerFactory.getLogger(ReconcileRound.class);
    private final AgentConfig config;
    private final Clock clock;
    private final Inbox inbox;
    private final Verification verification;
    private final Reconciler reconciler;
    private final AuditLog audit;
    private final Labels provisioned;
    /** What was logged already: an unchanged condition is logged once, though reported every time. */
    private final Set<String> logged = new HashSet<>();
    private Subscriptions wanted;

    ReconcileRound(AgentConfig config, Labels provisioned, Clock clock, Inbox inbox, Verification verification, Reconciler reconciler,
                   AuditLog audit) {
        this.config = config;
        this.provisioned = provisioned;
        this.clock = clock;
        this.inbox = inbox;
        this.verification = verification;
        this.reconciler = reconciler;
        this.audit = audit;
    }

    StatusReport run() {
        verification.ingest(inbox.drain()).refused().forEach(this::refused);
        // the domains the verified policy and registry give this node; the agent follows them after this round
        wanted = verification.hasBasis() ? Subscriptions.resolve(config.domains(), verification.chains().policy(),
                Subscriptions.labelsOf(verification.chains(), config.nodeId(), provisioned)) : null;
        List<Violation> violations = verification.violations();
        List<Problem> problems = new ArrayList<>(verification.problems());
        // saved before any applier runs: an agent that dies mid-apply restarts from what it was
        // applying, never from the older saved state (applying that again would be a rollback)
        Optional<Problem> unsaved = verification.hasBasis() && violations.isEmpty() && !config.dryRun()
                ? verification.commit() : Optional.empty();
        unsaved.ifPresent(problems::add);
        List<ApplierStatus> results;
        List<KeyOverride> overrides = List.of();
        List<String> notes = new ArrayList<>();
        if (!verification.hasBasis()) {
            results = reconciler.skipAll(verification.waiting());
        } else if (!violations.isEmpty()) {
            violations.forEach(v -> problems.add(new Problem(v.code().code(), v.message())));
            results = reconciler.skipAll("keeping what is applied: " + violations.get(0).message());
            once("violation " + violations, "not applying: " + violations);
        } else if (unsaved.isPresent()) {
            results = reconciler.skipAll("keeping what is applied: the verified state could not be saved before applying it");
        } else {
            Desired desired = Desired.resolve(verification.domains(), verification.chains(), reconciler.names());
            results = reconciler.run(desired);
            overrides = desired.overrides();
            for (String k : desired.ignored()) {
                notes.add(k + ": its applier is not run on this node; ignored");
                once("ignored " + k, notes.get(notes.size() - 1));
            }
            for (String d : desired.unknownDomains()) {
                problems.add(new Problem(ErrorCode.UNKNOWN_DOMAIN.code(), "domain " + d
                        + " is not in the trust policy; nothing of it is applied"));
                once("unknown " + d, "watched domain " + d + " is not in the trust policy");
            }
        }
        problems.addAll(reconciler.drainProblems());
        String down = inbox.disconnected();
        if (down != null) {
            problems.add(new Problem(ErrorCode.UNAVAILABLE.code(), "source: " + down));
        }
        if (audit.failure() != null) {
            problems.add(new Problem(ErrorCode.IO.code(), audit.failure()));
        }
        return new StatusReport(config.nodeId(), clock.instant(), verification.resumeFrom(), verification.applied(),
                verification.heads(), results, overrides, problems, notes, wanted == null ? List.of() : wanted.domains());
    }

    /** The domains the last round's verified state gives this node, or {@code null} before there is one. */
    Subscriptions wanted() {
        return wanted;
    }

    /** Logs and audits a refusal (also those found restoring the cache at start). */
    void refused(Refusal r) {
        LOG.warn("{}", r.domain() == null ? "refused a snapshot: " + r.message() : Verification.describe(r));
        audit.refused(r);
    }

    private void once(String key, String message) {
        if (logged.add(key)) {
            LOG.warn("{}", message);
        }
    }
}
