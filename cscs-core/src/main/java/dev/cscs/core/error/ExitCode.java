package dev.cscs.core.error;

/** The process exit codes of every {@code cscs} verb: the one table (DESIGN.md §6). */
public enum ExitCode {
    OK(0),
    ERROR(1),
    USAGE(2),
    /** Rejected by verification: signature, threshold, chain, schema. */
    REJECTED(3),
    /** The chain moved on: rebase and retry. */
    CONFLICT(4),
    /** No quorum, or nothing reachable. */
    UNAVAILABLE(5);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
