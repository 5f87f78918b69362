package dev.cscs.agent.applier;

import dev.cscs.agent.os.AtomicFiles;
import dev.cscs.agent.os.FileState;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.model.Names;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;

/**
 * The plan / apply / verify / rollback cycle every applier shares; subclasses add the schema,
 * the renderer and their live actions through the hooks below.
 *
 * <p>Order inside apply: check before write (e.g. {@code nft -c} on a staged file), write the
 * files (each atomically, backing up what it replaces), check after write ({@code sshd -t},
 * before any reload), live actions, confirm (commit-confirm). Any failure restores the files
 * first and then undoes the live actions last to first, so a reload in the undo list sees the
 * restored files.
 */
abstract class FileApplier implements Applier {

    /** A desired file: text content, or a symlink target. */
    sealed interface Target permits Content, LinkTo {
    }

    record Content(String text) implements Target {
    }

    record LinkTo(String target) implements Target {
    }

    /** What the desired entries render to: files by path relative to the root, plus notes. */
    record Rendered(SortedMap<String, Target> files, List<String> notes) {
    }

    /** Renders validated entries. */
    abstract Rendered render(List<DesiredEntry> desired, ApplyContext ctx);

    /**
     * Paths to remove when no entry renders them, in removal order, besides every path the
     * ownership manifest says this applier owns (those are always candidates). A candidate cscs
     * does not own is removed only if {@link #mayReplace} allows it.
     */
    abstract List<String> candidates(List<DesiredEntry> desired, ApplyContext ctx);

    /**
     * Whether this applier may replace or remove what is at {@code path} although cscs never
     * wrote it (it is not in the manifest): e.g. the enablement links {@code systemctl disable}
     * removes. Default no: such a file is a conflict. OwnedPath paths never reach this question.
     */
    boolean mayReplace(String path, FileState current, ApplyContext ctx) {
        return false;
    }

    /**
     * Whether a file at a path not in the manifest, which already holds exactly what
     * {@code target} renders, was written by the cscs of before the manifest (the upgrade path):
     * it is then recorded as owned. The rendered bytes start with the old header, so matching
     * them exactly is the proof; a header alone proves nothing. Symlinks carry no header.
     */
    boolean adoptable(String path, FileState current, Target target, ApplyContext ctx) {
        return target instanceof Content && Managed.hasHeader(current);
    }

    /**
     * Recovery after a crash in the middle of an apply, called once the files and the manifest
     * entries of {@code intent} are back as they were before it: an applier with live state puts
     * that back too (e.g. reloads what the restored files say). Default: nothing, as the next
     * round re-plans and re-applies with every check anyway.
     */
    void recover(ApplyJournal.Intent intent, ApplyContext ctx) {
    }

    /** Live actions needed besides the file changes; called only with a live context. */
    List<LiveAction> planLive(List<DesiredEntry> desired, List<FileOp> files, List<String> notes, ApplyContext ctx) {
        return List.of();
    }

    void checkBeforeWrite(Plan plan, ApplyContext ctx) {
    }

    void checkAfterWrite(Plan plan, ApplyContext ctx) {
    }

    /**
     * Performs one live action. As soon as the action may have changed live state, its inverse
     * goes into {@code undo}, even if a later check of the same action fails.
     */
    void perform(LiveAction action, ApplyContext ctx, List<LiveAction> undo, List<String> notes) {
        throw new CscsException(ErrorCode.INTERNAL, name() + ": cannot perform " + action.describe());
    }

    /** After the live actions: e.g. commit-confirm. Throwing rolls everything back. */
    void confirm(Plan plan, List<LiveAction> done, ApplyContext ctx) {
    }

    /** Checks beyond the files (live state, or the tool's own view offline); always called by verify. */
    void verifyState(Applied applied, ApplyContext ctx) {
    }

    @Override
    public final Plan plan(List<DesiredEntry> desired, ApplyContext ctx) {
        Set<String> seen = new HashSet<>();
        for (DesiredEntry e : desired) {
            // rendering trusts validated values only; the store validated them too, but cheaply again here
            validate(e.name(), e.value());
            if (!seen.add(e.name())) {
                throw Fields.error(name() + "/" + e.name(), "appears twice in the desired state (domains "
                        + "must be resolved before planning)");
            }
            if (!Names.isDomain(e.domain())) {
                throw Fields.error(name() + "/" + e.name(), "comes from an invalid domain " + Names.shown(e.domain()));
            }
        }
        Rendered rendered = render(desired, ctx);
        Ownership owners = Ownership.load(ctx);
        List<FileOp> ops = new ArrayList<>();
        List<String> adopt = new ArrayList<>();
        List<Plan.Conflict> conflicts = new ArrayList<>();
        List<String> notes = new ArrayList<>(rendered.notes());
        rendered.files().forEach((path, target) -> {
            FileState current = readOrConflict(path, ctx, conflicts);
            if (current == null) {
                return;
            }
            OwnedPath o = owners.get(path);
            if (o != null && !o.applier().equals(name())) {
                conflicts.add(new Plan.Conflict(path, name() + ": " + path + " is owned by applier " + o.applier()));
                return;
            }
            if (matches(current, target) && (o == null || o.describes(current))) {
                if (o == null && adoptable(path, current, target, ctx)) {
                    adopt.add(path);
                }
                return;
            }
            if (o == null && !(current instanceof FileState.Absent) && !mayReplace(path, current, ctx)) {
                conflicts.add(new Plan.Conflict(path, Managed.conflict(name(), path, current).getMessage()));
                return;
            }
            ops.add(target instanceof Content c ? new FileOp.Write(path, c.text()) : new FileOp.Link(path, ((LinkTo) target).target()));
        });
        Set<String> removable = new LinkedHashSet<>(candidates(desired, ctx));
        removable.addAll(owners.ownedBy(name()).keySet());
        for (String path : removable) {
            if (rendered.files().containsKey(path)) {
                continue;
            }
            FileState current = readOrConflict(path, ctx, conflicts);
            if (current == null) {
                continue;
            }
            if (owners.get(path) != null && owners.get(path).applier().equals(name())) {
                // a deleted key always removes what cscs owns, edited or not (apply quarantines an edit)
                ops.add(new FileOp.Remove(path));
            } else if (!(current instanceof FileState.Absent) && mayReplace(path, current, ctx)) {
                ops.add(new FileOp.Remove(path));
            } else if (Managed.hasHeader(current)) {
                notes.add(path + " has the old '" + Managed.MARK + "' line, but cscs has no record of writing it and no key "
                        + "renders it: left alone; delete it by hand if it is stale");
            }
        }
        List<LiveAction> live = new ArrayList<>(ctx.live() ? planLive(desired, ops, notes, ctx) : List.of());
        Set<String> conflicted = new HashSet<>();
        conflicts.forEach(c -> conflicted.add(c.path()));
        if (live.removeIf(a -> a.loads().filter(conflicted::contains).isPresent())) {
            notes.add(name() + ": a live action that would load a file in conflict was left out");
        }
        return new Plan(name(), ops, live, notes, adopt, conflicts);
    }

    /** What is at {@code path}, or null after recording why it cannot be touched (a linked directory, a device). */
    private FileState readOrConflict(String path, ApplyContext ctx, List<Plan.Conflict> conflicts) {
        try {
            return FileState.read(ctx.path(path));
        } catch (CscsException e) {
            conflicts.add(new Plan.Conflict(path, name() + ": " + e.getMessage()));
            return null;
        }
    }

    private static boolean matches(FileState current, Target target) {
        if (target instanceof Content c) {
            return current instanceof FileState.Regular r
                    && Arrays.equals(r.content(), c.text().getBytes(StandardCharsets.UTF_8));
        }
        return current instanceof FileState.Symlink s && s.target().equals(((LinkTo) target).target());
    }

    /**
     * Order: backups and ownership checks; the intent record (so a crash after a write can never
     * leave a cscs file that neither it nor the manifest names); checks, writes,
     * live actions, confirm; the manifest's final entries. The intent stays: the apply is
     * finished only by {@link #verify} (or {@link #rollback}), so a crash before verify has run
     * is rolled back by {@link #recover(ApplyContext)} and its checks run again. A failure
     * restores files, live state and manifest entries and removes the intent; an {@link Error}
     * (or a crash) leaves it.
     */
    @Override
    public final Applied apply(Plan plan, ApplyContext ctx) {
        if (!plan.applier().equals(name())) {
            throw new CscsException(ErrorCode.INTERNAL, name() + ": given a plan of applier " + plan.applier());
        }
        Ownership before;
        Map<String, OwnedPath> adopted;
        try {
            before = Ownership.load(ctx);
            if (ApplyJournal.pending(ctx, name()).isPresent()) {
                // the Reconciler recovers before every plan: only a caller that skipped it gets here
                throw new CscsException(ErrorCode.INTERNAL, "an earlier apply is unfinished (" + ApplyJournal.file(ctx, name())
                        + "); recover it first");
            }
            adopted = begin(plan, before, ctx);
        } catch (RuntimeException e) {
            ErrorCode code = e instanceof CscsException c ? c.code() : ErrorCode.INTERNAL;
            throw new RolledBackException(name(), code, e.getMessage() + " (found before changing anything)", e);
        }
        List<FileChange> changes = new ArrayList<>();
        List<Applied.Drift> drift = new ArrayList<>();
        List<LiveAction> undo = new ArrayList<>();
        List<LiveAction> done = new ArrayList<>();
        List<String> notes = new ArrayList<>(plan.notes());
        try {
            checkBeforeWrite(plan, ctx);
            for (FileOp op : plan.files()) {
                changes.add(change(op, before.get(op.path()), ctx, drift));
            }
            checkAfterWrite(plan, ctx);
            if (ctx.live()) {
                for (LiveAction a : plan.live()) {
                    perform(a, ctx, undo, notes);
                    done.add(a);
                }
                confirm(plan, done, ctx);
            } else if (!plan.live().isEmpty()) {
                notes.add("live actions skipped: the context is not live");
            }
        } catch (RuntimeException failure) {
            try {
                restore(changes, undo, ctx);
                before.store(ctx);
                ApplyJournal.clear(ctx, name());
            } catch (RuntimeException again) {
                // the intent stays: the next round's recovery tries again from the backups
                CscsException both = new CscsException(ErrorCode.IO, name() + ": apply failed (" + failure.getMessage()
                        + ") and restoring the previous state failed too: " + again.getMessage(), failure);
                both.addSuppressed(again);
                throw both;
            }
            ErrorCode code = failure instanceof CscsException c ? c.code() : ErrorCode.INTERNAL;
            throw new RolledBackException(name(), code, String.valueOf(failure.getMessage()), failure);
        }
        Ownership after = before;
        for (FileChange c : changes) {
            boolean owned = before.get(c.path()) != null || !(c.after() instanceof FileState.Absent);
            after = owned ? after.with(c.path(), OwnedPath.of(name(), c.after())) : after;
        }
        for (Map.Entry<String, OwnedPath> a : adopted.entrySet()) {
            after = after.with(a.getKey(), a.getValue());
        }
        after.store(ctx);
        List<String> parts = new ArrayList<>();
        changes.forEach(c -> parts.add(c.describe()));
        plan.adopt().forEach(p -> parts.add("adopted " + p));
        done.forEach(a -> parts.add(a.describe()));
        String summary = name() + ": " + (parts.isEmpty() ? "nothing to do" : String.join("; ", parts));
        return new Applied(name(), ctx.clock().instant(), changes, done, undo, notes, summary, drift);
    }

    /**
     * Takes the backups, checks again that every path may be touched and writes the intent,
     * which names every path the apply may touch: a crash from here on leaves no cscs file that
     * neither the manifest nor the intent names, and recovery puts back both files and entries.
     * Returns the entries of the adopted paths.
     */
    private Map<String, OwnedPath> begin(Plan plan, Ownership before, ApplyContext ctx) {
        Map<String, FileState> backups = new LinkedHashMap<>();
        Map<String, OwnedPath> owners = new LinkedHashMap<>();
        List<ApplyJournal.Step> steps = new ArrayList<>();
        plan.files().forEach(op -> steps.add(ApplyJournal.Step.of(op)));
        Map<String, OwnedPath> adopted = new LinkedHashMap<>();
        for (FileOp op : plan.files()) {
            FileState current = FileState.read(ctx.path(op.path()));
            OwnedPath o = before.get(op.path());
            // asked again right before writing: the file may have changed since the plan
            if (o == null && !(current instanceof FileState.Absent) && !mayReplace(op.path(), current, ctx)) {
                throw new CscsException(ErrorCode.IO, Managed.conflict(name(), op.path(), current).getMessage()
                        + " (it appeared after the plan)");
            }
            backups.putIfAbsent(op.path(), current);
            owners.putIfAbsent(op.path(), o);
        }
        for (String path : plan.adopt()) {
            owners.putIfAbsent(path, before.get(path));
            adopted.put(path, OwnedPath.of(name(), FileState.read(ctx.path(path))));
        }
        ApplyJournal.begin(ctx, new ApplyJournal.Intent(name(), steps, backups, owners));
        return adopted;
    }

    private FileChange change(FileOp op, OwnedPath owned, ApplyContext ctx, List<Applied.Drift> drift) {
        Path abs = ctx.path(op.path());
        FileState current = FileState.read(abs);
        boolean removing = op instanceof FileOp.Remove;
        // a file of a deleted key that is already gone is what cscs wants: nothing to report
        if (owned != null && !owned.describes(current) && !(removing && current instanceof FileState.Absent)) {
            drift.add(new Applied.Drift(op.path(), current.toString(), Quarantine.keep(ctx, op.path(), current), removing));
        }
        FileState before;
        if (op instanceof FileOp.Write w) {
            before = current;
            AtomicFiles.commit(AtomicFiles.stage(abs, w.content().getBytes(StandardCharsets.UTF_8), OwnedPath.modeFor(owned, current)), abs);
        } else if (op instanceof FileOp.Link l) {
            before = AtomicFiles.symlink(abs, l.target());
        } else {
            before = AtomicFiles.delete(abs);
        }
        return new FileChange(op.path(), before, FileState.read(abs), owned);
    }

    /**
     * Finishes an apply the agent was stopped in the middle of, before anything else runs:
     * puts back the backups byte-identically, then the manifest entries of those paths, lets the
     * applier restore its live state, and removes the intent. Returns what it did, empty when
     * there was nothing to recover.
     */
    @Override
    public final Optional<String> recover(ApplyContext ctx) {
        return ApplyJournal.rollBack(ctx, name(), intent -> recover(intent, ctx));
    }

    /** Restores every file, then undoes live actions last to first; tries every step, reports all failures. */
    private void restore(List<FileChange> changes, List<LiveAction> undo, ApplyContext ctx) {
        List<RuntimeException> failures = new ArrayList<>();
        for (int i = changes.size() - 1; i >= 0; i--) {
            FileChange c = changes.get(i);
            try {
                AtomicFiles.restore(ctx.path(c.path()), c.before());
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        if (ctx.live()) {
            for (int i = undo.size() - 1; i >= 0; i--) {
                try {
                    perform(undo.get(i), ctx, new ArrayList<>(), new ArrayList<>());
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            }
        }
        if (!failures.isEmpty()) {
            StringBuilder msg = new StringBuilder();
            failures.forEach(e -> msg.append(msg.length() == 0 ? "" : "; ").append(e.getMessage()));
            CscsException all = new CscsException(ErrorCode.IO, msg.toString(), failures.get(0));
            failures.stream().skip(1).forEach(all::addSuppressed);
            throw all;
        }
    }

    /** Checks what apply did; only when every check passed is the apply finished (its intent removed). */
    @Override
    public final void verify(Applied applied, ApplyContext ctx) {
        for (FileChange c : applied.files()) {
            FileState now = FileState.read(ctx.path(c.path()));
            if (!now.equals(c.after())) {
                throw new CscsException(ErrorCode.IO, name() + ": " + c.path() + " is not what apply wrote: expected "
                        + c.after() + ", found " + now);
            }
        }
        verifyState(applied, ctx);
        ApplyJournal.clear(ctx, name());
    }

    /** Files, live state, then the manifest; the intent goes last, so a crash in between recovers the same way. */
    @Override
    public final void rollback(Applied applied, ApplyContext ctx) {
        restore(applied.files(), applied.undo(), ctx);
        Ownership owners = Ownership.load(ctx);
        for (FileChange c : applied.files()) {
            owners = owners.with(c.path(), c.ownerBefore());
        }
        owners.store(ctx);
        ApplyJournal.clear(ctx, name());
    }
}
