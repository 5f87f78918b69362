package dev.cscs.agent.status;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.model.Names;

/** What a reconcile did with one applier; {@link #wire()} is the JSON spelling. */
public enum ApplierState {
    /** The plan was empty: files (and live state) already match. */
    IN_SYNC("in-sync"),
    /** Changes from the configuration were applied and verified. */
    APPLIED("applied"),
    /** The configuration had not changed, but the system had (a hand edit); it was put back. */
    DRIFT_CORRECTED("drift-corrected"),
    /** Plan, apply or verify failed; the message says which, and whether it rolled back. */
    FAILED("failed"),
    /** Dry run: the plan was logged and nothing was touched. */
    DRY_RUN("dry-run"),
    /** Not run: no verified configuration to apply (the message says why). */
    SKIPPED("skipped");

    private final String wire;

    ApplierState(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static ApplierState fromWire(String s) {
        for (ApplierState a : values()) {
            if (a.wire.equals(s)) {
                return a;
            }
        }
        throw CscsException.malformed("applier state " + Names.shown(s)
                + " is not one of in-sync, applied, drift-corrected, failed, dry-run, skipped");
    }
}
