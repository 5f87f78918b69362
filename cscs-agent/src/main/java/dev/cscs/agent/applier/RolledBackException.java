package dev.cscs.agent.applier;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;

/**
 * An apply failed and the previous state was restored: files byte-identical, live state put back
 * where the applier manages it. {@link #reason()} says why it was rolled back, e.g. that
 * {@code nft -c} refused the ruleset, or that the node could not reach the cluster after a
 * firewall change (commit-confirm).
 */
public class RolledBackException extends CscsException {
    private static final long serialVersionUID = 1L;
    private final String applier;
    private final String reason;

    public RolledBackException(String applier, ErrorCode code, String reason, Throwable cause) {
        super(code, applier + ": rolled back, previous state restored: " + reason, cause);
        this.applier = applier;
        this.reason = reason;
    }

    public String applier() {
        return applier;
    }

    public String reason() {
        return reason;
    }
}
