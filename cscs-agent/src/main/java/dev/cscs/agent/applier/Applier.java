package dev.cscs.agent.applier;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/**
 * One kind of OS configuration: keys {@code <name()>/<name>} in the store, files (and live
 * state) on the device. Implementations are stateless and thread-safe; the reconcile loop calls
 * {@code plan → apply → verify}, and {@code rollback} when verify fails.
 */
public interface Applier {
    /** {@code yum}, {@code apt}, {@code sysctl}, {@code firewall}, {@code sshd} or {@code service}. */
    String name();

    /**
     * Schema check of one value for key {@code <name()>/<name>}. Pure, fast and total: it throws
     * only {@link dev.cscs.core.error.CscsException} with {@code INVALID_VALUE}, whose message
     * names the key, the field and why. Also run by the HTTP API when a changeset is submitted.
     */
    void validate(String name, JsonNode value);

    /**
     * Diff of the desired entries (already resolved: one per key name, in domain order then name)
     * against the files under {@code ctx.root()} and, when {@code ctx.live()}, the live state.
     * {@link Plan#isEmpty()} when in sync. Reads only; changes nothing.
     */
    Plan plan(List<DesiredEntry> desired, ApplyContext ctx);

    /**
     * Carries out {@code plan} atomically: backs up what it replaces, checks with the real tool
     * before activation, and on any failure restores the byte-identical previous state and throws
     * {@link RolledBackException} (or a plain {@code CscsException} if even the restore failed).
     * A successful apply is still in progress: it must be followed by {@link #verify} and, when
     * that throws, {@link #rollback}; until one of them finishes it, a crash is rolled back by
     * {@link #recover} (another apply in between extends that intent: a crash rolls back both).
     */
    Applied apply(Plan plan, ApplyContext ctx);

    /**
     * Re-reads what {@code applied} wrote (files, and live state when {@code ctx.live()}); throws on
     * mismatch. Passing finishes the apply: a later crash is no longer rolled back.
     */
    void verify(Applied applied, ApplyContext ctx);

    /**
     * Restores the byte-identical files {@code applied} replaced, the live state where it applies,
     * then their ownership entries; finishes the apply only once all of that is durable.
     */
    void rollback(Applied applied, ApplyContext ctx);

    /**
     * Finishes an apply that was interrupted (the agent crashed or was killed in the middle of
     * it), before this applier plans again: the safe default rolls it back to its backups, so the
     * next plan and apply run every check again. Returns what was done; empty when nothing was
     * pending. Called before the first round and before each plan.
     */
    default Optional<String> recover(ApplyContext ctx) {
        return Optional.empty();
    }
}
