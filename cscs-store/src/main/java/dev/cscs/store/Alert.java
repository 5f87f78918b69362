package dev.cscs.store;

/**
 * A rejection worth an operator's attention, or an autopilot action, kept in {@code _alerts}.
 *
 * @param origin the node the input came through
 * @param subject what was rejected (the digest of the submitted bytes, or of the changeset body)
 * @param repeated how many more times the same origin and reason were seen since the last alert
 */
public record Alert(long revision, String time, String origin, String code, String message, String subject, int repeated) {
    /** The code of an autopilot action (its subject is the member): a notice, not a rejection. */
    public static final String AUTOPILOT = "autopilot";
}
