package dev.cscs.agent.applier;

import dev.cscs.agent.os.AtomicFiles;
import dev.cscs.agent.os.FileState;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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

    /** Existing paths this applier may remove when no entry renders them; filtered by {@link #mayReplace}. */
    abstract List<String> candidates(List<DesiredEntry> desired, ApplyContext ctx);

    /** Whether this applier owns what is at {@code path} now (plan time). */
    boolean mayReplace(String path, FileState current, ApplyContext ctx) {
        return Managed.isManaged(current);
    }

    /** The same question, asked again right before writing (the file may have changed since plan). */
    boolean stillReplaceable(String path, FileState current, ApplyContext ctx) {
        return mayReplace(path, current, ctx);
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
            if (!dev.cscs.core.model.Names.isDomain(e.domain())) {
                throw Fields.error(name() + "/" + e.name(), "comes from an invalid domain " + dev.cscs.core.model.Names.shown(e.domain()));
            }
        }
        Rendered rendered = render(desired, ctx);
        List<FileOp> ops = new ArrayList<>();
        rendered.files().forEach((path, target) -> {
            FileState current = FileState.read(ctx.path(path));
            if (matches(current, target)) {
                return;
            }
            if (!(current instanceof FileState.Absent) && !mayReplace(path, current, ctx)) {
                throw Managed.conflict(name(), path, current);
            }
            ops.add(target instanceof Content c ? new FileOp.Write(path, c.text()) : new FileOp.Link(path, ((LinkTo) target).target()));
        });
        for (String path : candidates(desired, ctx)) {
            if (!rendered.files().containsKey(path)) {
                FileState current = FileState.read(ctx.path(path));
                if (!(current instanceof FileState.Absent) && mayReplace(path, current, ctx)) {
                    ops.add(new FileOp.Remove(path));
                }
            }
        }
        List<String> notes = new ArrayList<>(rendered.notes());
        List<LiveAction> live = ctx.live() ? planLive(desired, ops, notes, ctx) : List.of();
        return new Plan(name(), ops, live, notes);
    }

    private static boolean matches(FileState current, Target target) {
        if (target instanceof Content c) {
            return current instanceof FileState.Regular r
                    && java.util.Arrays.equals(r.content(), c.text().getBytes(StandardCharsets.UTF_8));
        }
        return current instanceof FileState.Symlink s && s.target().equals(((LinkTo) target).target());
    }

    @Override
    public final Applied apply(Plan plan, ApplyContext ctx) {
        if (!plan.applier().equals(name())) {
            throw new CscsException(ErrorCode.INTERNAL, name() + ": given a plan of applier " + plan.applier());
        }
        List<FileChange> changes = new ArrayList<>();
        List<LiveAction> undo = new ArrayList<>();
        List<LiveAction> done = new ArrayList<>();
        List<String> notes = new ArrayList<>(plan.notes());
        try {
            checkBeforeWrite(plan, ctx);
            for (FileOp op : plan.files()) {
                changes.add(change(op, ctx));
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
            } catch (RuntimeException again) {
                CscsException both = new CscsException(ErrorCode.IO, name() + ": apply failed (" + failure.getMessage()
                        + ") and restoring the previous state failed too: " + again.getMessage(), failure);
                both.addSuppressed(again);
                throw both;
            }
            ErrorCode code = failure instanceof CscsException c ? c.code() : ErrorCode.INTERNAL;
            throw new RolledBackException(name(), code, String.valueOf(failure.getMessage()), failure);
        }
        List<String> parts = new ArrayList<>();
        changes.forEach(c -> parts.add(c.describe()));
        done.forEach(a -> parts.add(a.describe()));
        String summary = name() + ": " + (parts.isEmpty() ? "nothing to do" : String.join("; ", parts));
        return new Applied(name(), ctx.clock().instant(), changes, done, undo, notes, summary);
    }

    private FileChange change(FileOp op, ApplyContext ctx) {
        Path abs = ctx.path(op.path());
        FileState current = FileState.read(abs);
        if (!(current instanceof FileState.Absent) && !stillReplaceable(op.path(), current, ctx)) {
            throw Managed.conflict(name(), op.path(), current);
        }
        FileState before;
        if (op instanceof FileOp.Write w) {
            before = AtomicFiles.write(abs, w.content().getBytes(StandardCharsets.UTF_8), AtomicFiles.DEFAULT_MODE);
        } else if (op instanceof FileOp.Link l) {
            before = AtomicFiles.symlink(abs, l.target());
        } else {
            before = AtomicFiles.delete(abs);
        }
        return new FileChange(op.path(), before, FileState.read(abs));
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
    }

    @Override
    public final void rollback(Applied applied, ApplyContext ctx) {
        restore(applied.files(), applied.undo(), ctx);
    }
}
