package dev.cscs.store;

import dev.cscs.core.error.ErrorCode;

/**
 * A rejection worth an operator's attention, or a notice (an autopilot action, a device that
 * reports itself stale or its server withholding), kept in {@code _alerts}.
 *
 * @param origin the node the input came through
 * @param subject what was rejected (the digest of the submitted bytes, or of the changeset body)
 * @param repeated how many more times the same origin and reason were seen since the last alert
 */
public record Alert(long revision, String time, String origin, String code, String message, String subject, int repeated) {
    /** The code of an autopilot action (its subject is the member): a notice, not a rejection. */
    public static final String AUTOPILOT = "autopilot";

    /** Whether it is a notice (an autopilot action, a device stale or its server withholding), not a rejection to count. */
    public boolean notice() {
        return AUTOPILOT.equals(code) || ErrorCode.STALE.code().equals(code) || ErrorCode.WITHHELD.code().equals(code);
    }
}
