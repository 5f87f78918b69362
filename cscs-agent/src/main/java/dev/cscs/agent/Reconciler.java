package dev.cscs.agent;

import dev.cscs.agent.VerifiedChains.Source;
import dev.cscs.agent.applier.Applied;
import dev.cscs.agent.applier.Applier;
import dev.cscs.agent.applier.ApplyContext;
import dev.cscs.agent.applier.DesiredEntry;
import dev.cscs.agent.applier.FileChange;
import dev.cscs.agent.applier.Plan;
import dev.cscs.agent.applier.RolledBackException;
import dev.cscs.agent.status.ApplierState;
import dev.cscs.agent.status.StatusReport.ApplierStatus;
import dev.cscs.agent.status.StatusReport.Problem;
import dev.cscs.core.error.ErrorCode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every applier once against the desired state: plan, then (unless the plan is empty or
 * this is a dry run) apply, verify, and roll back when verify fails. Each applier is on its
 * own: whatever one throws becomes its {@code failed} result and the next one runs.
 *
 * <p>Drift is what an apply finds at a path the ownership manifest says cscs owns that is not
 * what cscs wrote there (the manifest persists, so an edit made while the agent was stopped is
 * drift too); the foreign bytes are quarantined, and each finding is audited and reported as a
 * problem. For live state, which has no manifest, it remembers the entries each applier last
 * converged on: a non-empty plan for those same entries is drift as well.
 *
 * <p>Before an applier plans, an apply of it that was interrupted (a crash) is rolled back
 * ({@link Applier#recover}), so the checks it skipped run again in this round.
 */
final class Reconciler {
    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
    private final List<Applier> appliers;
    private final ApplyContext ctx;
    private final boolean dryRun;
    private final AuditLog audit;
    private final Map<String, List<DesiredEntry>> converged = new HashMap<>();
    /** Found during the current round; {@link #drainProblems} hands them to the status report. */
    private final List<Problem> problems = new ArrayList<>();
    /** Per applier, why its interrupted apply could not be rolled back; reported every round until one succeeds. */
    private final Map<String, Problem> unrecovered = new LinkedHashMap<>();

    Reconciler(List<Applier> appliers, ApplyContext ctx, boolean dryRun, AuditLog audit) {
        this.appliers = List.copyOf(appliers);
        this.ctx = ctx;
        this.dryRun = dryRun;
        this.audit = audit;
    }

    List<String> names() {
        return appliers.stream().map(Applier::name).toList();
    }

    /** Conflicts and drift found since the last call, and every recovery still failing (also in rounds that skip). */
    List<Problem> drainProblems() {
        List<Problem> out = new ArrayList<>(unrecovered.values());
        out.addAll(problems);
        problems.clear();
        return List.copyOf(out);
    }

    /**
     * Rolls back every interrupted apply (agent start, before the first round); a failure is
     * reported by every round, also one that skips the appliers, until a later try (before the
     * applier plans) succeeds. A dry run touches nothing: it plans against whatever the crash left.
     */
    void recoverAll() {
        appliers.forEach(this::recover);
    }

    /** Null when nothing is pending or it was rolled back; else the applier's failed status. */
    private ApplierStatus recover(Applier a) {
        if (dryRun) {
            return null;
        }
        try {
            a.recover(ctx).ifPresent(m -> {
                LOG.warn("{}", m);
                audit.recovered(a.name(), m);
                converged.remove(a.name());
            });
            unrecovered.remove(a.name());
            return null;
        } catch (RuntimeException e) {
            String msg = a.name() + ": recovering an interrupted apply failed: " + e.getMessage();
            Problem p = new Problem(ErrorCode.IO.code(), msg);
            if (!p.equals(unrecovered.put(a.name(), p))) {
                LOG.error("{}", msg);
            }
            return status(a.name(), ApplierState.FAILED, msg, List.of());
        }
    }

    List<ApplierStatus> run(Desired desired) {
        List<ApplierStatus> out = new ArrayList<>();
        for (Applier a : appliers) {
            out.add(one(a, desired.byApplier().getOrDefault(a.name(), List.of()), desired.sources()));
        }
        return out;
    }

    /** Every applier {@code skipped}: there is no configuration this agent may apply. */
    List<ApplierStatus> skipAll(String why) {
        return appliers.stream().map(a -> new ApplierStatus(a.name(), ApplierState.SKIPPED, why, List.of())).toList();
    }

    private ApplierStatus one(Applier a, List<DesiredEntry> entries, Map<String, Source> allSources) {
        String name = a.name();
        ApplierStatus unrecovered = recover(a);
        if (unrecovered != null) {
            return unrecovered;
        }
        Plan plan;
        try {
            plan = a.plan(entries, ctx);
        } catch (RuntimeException e) {
            LOG.warn("{}: plan failed: {}", name, e.getMessage());
            return status(name, ApplierState.FAILED, "plan failed: " + e.getMessage(), List.of());
        }
        String notes = String.join("; ", plan.notes());
        String conflicts = conflicts(plan);
        if (plan.isEmpty()) {
            if (!conflicts.isEmpty()) {
                return status(name, ApplierState.FAILED, conflicts, List.of());
            }
            converged.put(name, entries);
            return status(name, ApplierState.IN_SYNC, notes, List.of());
        }
        if (dryRun) {
            LOG.info("dry run, not applied: {}", plan.summary());
            return status(name, ApplierState.DRY_RUN, plan.summary(), List.of());
        }
        boolean drift = entries.equals(converged.get(name));
        Map<String, Source> sources = new LinkedHashMap<>();
        entries.forEach(e -> sources.put(name + "/" + e.name(), allSources.get(name + "/" + e.name())));
        List<String> deleted = deleted(name, entries);
        // from here on the system may change: whatever happens, converged must be re-earned
        converged.remove(name);
        Applied applied;
        try {
            applied = a.apply(plan, ctx);
        } catch (RolledBackException e) {
            LOG.warn("{}", e.getMessage());
            audit.change(name, "rolled-back", sources, deleted, List.of(), e.getMessage());
            return status(name, ApplierState.FAILED, e.getMessage(), List.of());
        } catch (RuntimeException e) {
            LOG.error("{}: apply failed and the previous state may not be restored: {}", name, e.getMessage());
            audit.change(name, "failed", sources, deleted, List.of(), e.getMessage());
            return status(name, ApplierState.FAILED, "apply failed: " + e.getMessage(), List.of());
        }
        try {
            a.verify(applied, ctx);
        } catch (RuntimeException e) {
            return rollBack(a, applied, sources, deleted, e);
        }
        for (Applied.Drift d : applied.drift()) {
            String msg = name + ": " + d.path() + " was changed outside cscs (found " + d.found() + "); "
                    + (d.removed() ? "its key was deleted, so cscs removed it" : "cscs's version is back")
                    + (d.quarantine() == null ? "" : ", what was found is kept in " + d.quarantine());
            LOG.warn("drift: {}", msg);
            audit.drift(name, d.path(), d.found(), d.quarantine());
            problems.add(new Problem(ErrorCode.IO.code(), "drift: " + msg));
        }
        drift |= !applied.drift().isEmpty();
        ApplierState state = drift ? ApplierState.DRIFT_CORRECTED : ApplierState.APPLIED;
        LOG.info("{}{}", drift ? "drift corrected: " : "", applied.summary());
        audit.change(name, state.wire(), sources, deleted, applied.files(), applied.summary());
        if (!conflicts.isEmpty()) {
            // the configuration is not fully in place: never reported as applied
            return status(name, ApplierState.FAILED, conflicts + "; applied the rest: " + applied.summary(), paths(applied.files()));
        }
        converged.put(name, entries);
        return status(name, state, applied.summary(), paths(applied.files()));
    }

    /** Each conflict becomes a problem (an alert in the fleet view); returns them as one message. */
    private String conflicts(Plan plan) {
        List<String> out = new ArrayList<>();
        for (Plan.Conflict c : plan.conflicts()) {
            out.add(c.message());
            problems.add(new Problem(ErrorCode.IO.code(), c.message()));
        }
        if (!out.isEmpty()) {
            LOG.warn("{}", String.join("; ", out));
        }
        return String.join("; ", out);
    }

    private ApplierStatus rollBack(Applier a, Applied applied, Map<String, Source> sources, List<String> deleted,
                                   RuntimeException why) {
        String name = a.name();
        try {
            a.rollback(applied, ctx);
        } catch (RuntimeException again) {
            String msg = name + ": verify failed (" + why.getMessage() + ") and rolling back failed too: " + again.getMessage();
            LOG.error("{}", msg);
            audit.change(name, "failed", sources, deleted, applied.files(), msg);
            return status(name, ApplierState.FAILED, msg, paths(applied.files()));
        }
        String msg = name + ": rolled back, previous state restored: verify failed: " + why.getMessage();
        LOG.warn("{}", msg);
        audit.change(name, "rolled-back", sources, deleted, applied.files(), msg);
        return status(name, ApplierState.FAILED, msg, paths(applied.files()));
    }

    /** Keys converged on before that are no longer desired; unknown after a restart. */
    private List<String> deleted(String applier, List<DesiredEntry> entries) {
        List<DesiredEntry> before = converged.get(applier);
        if (before == null) {
            return List.of();
        }
        Set<String> now = new TreeSet<>();
        entries.forEach(e -> now.add(e.name()));
        Set<String> gone = new TreeSet<>();
        before.stream().map(DesiredEntry::name).filter(n -> !now.contains(n)).forEach(n -> gone.add(applier + "/" + n));
        return List.copyOf(gone);
    }

    private static List<String> paths(List<FileChange> files) {
        return files.stream().map(FileChange::path).toList();
    }

    private static ApplierStatus status(String applier, ApplierState state, String message, List<String> files) {
        return new ApplierStatus(applier, state, message, files);
    }
}
