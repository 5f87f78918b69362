package dev.cscs.core.error;

/**
 * The one error table: every failure CSCS reports has a stable code (used in JSON errors,
 * alerts and metrics), an exit code for the CLI, an HTTP status for the API, and a hint
 * telling the operator what to do next.
 */
public enum ErrorCode {
    MALFORMED("malformed", ExitCode.REJECTED, 400, "fix the input; the message says where"),
    TOO_LARGE("too-large", ExitCode.REJECTED, 413, "split the change or raise the limit"),
    INVALID_VALUE("invalid-value", ExitCode.REJECTED, 400, "see `cscs put --help` for the value schemas"),
    BAD_SIGNATURE("bad-signature", ExitCode.REJECTED, 403, "the changeset or a signature was altered; sign it again"),
    UNKNOWN_KEY("unknown-key", ExitCode.REJECTED, 403, "the key is not in the trust policy (`cscs trust show`)"),
    UNAUTHORIZED_KEY("unauthorized-key", ExitCode.REJECTED, 403, "the key may not sign for this domain (`cscs trust show`)"),
    BELOW_THRESHOLD("below-threshold", ExitCode.REJECTED, 403, "collect more signatures with `cscs cosign`"),
    OUT_OF_SCOPE("out-of-scope", ExitCode.REJECTED, 403, "the domain's signers may not touch this applier"),
    CONSTRAINT("constraint", ExitCode.REJECTED, 403, "the trust policy forbids this value in this domain; `cscs trust show` lists the constraints"),
    UNKNOWN_DOMAIN("unknown-domain", ExitCode.REJECTED, 403, "add the domain to the trust policy first"),
    WRONG_SEQ("wrong-seq", ExitCode.CONFLICT, 409, "the chain moved on: sign again at the new head (put, rm and apply do that when run again)"),
    WRONG_PREV("wrong-prev", ExitCode.CONFLICT, 409, "the chain moved on: sign again at the new head (put, rm and apply do that when run again)"),
    BAD_TOKEN("bad-token", ExitCode.REJECTED, 403, "issue a fresh join token with `cscs node provision`"),
    UNTRUSTED_ANCHOR("untrusted-anchor", ExitCode.REJECTED, 403, "check the genesis file or anchor digest given to this node"),
    NOT_FOUND("not-found", ExitCode.ERROR, 404, "check the domain and key names (`cscs ls`)"),
    RATE_LIMITED("rate-limited", ExitCode.UNAVAILABLE, 429, "slow down and retry"),
    TIMEOUT("timeout", ExitCode.UNAVAILABLE, 408, "send the whole request at once; a node waits limits.requestTimeout for it"),
    UNAVAILABLE("unavailable", ExitCode.UNAVAILABLE, 503, "check that a quorum of nodes is up (`cscs member ls`)"),
    STALE("stale", ExitCode.UNAVAILABLE, 503, "the device heard no signed freshness record lately: check its servers and that the leader's key is registered (`cscs member key`)"),
    WITHHELD("withheld", ExitCode.UNAVAILABLE, 503, "a server gave the device less than the cluster signed: check that server; the device moved to another"),
    BAD_KEY("bad-key", ExitCode.ERROR, 400, "give a PEM or DER key of a supported algorithm"),
    BAD_PASSPHRASE("bad-passphrase", ExitCode.ERROR, 400, "check the passphrase (prompt, --passphrase-file or CSCS_KEY_PASSPHRASE)"),
    BAD_CONFIG("bad-config", ExitCode.ERROR, 400, "fix the config file; the message names the key and line"),
    USAGE("usage", ExitCode.USAGE, 400, "see --help"),
    IO("io", ExitCode.ERROR, 500, "check the path and its permissions"),
    INTERNAL("internal", ExitCode.ERROR, 500, "this is a bug; the logs have details");

    private final String code;
    private final ExitCode exit;
    private final int httpStatus;
    private final String hint;

    ErrorCode(String code, ExitCode exit, int httpStatus, String hint) {
        this.code = code;
        this.exit = exit;
        this.httpStatus = httpStatus;
        this.hint = hint;
    }

    /** The stable, machine-readable code, e.g. {@code wrong-seq}. */
    public String code() {
        return code;
    }

    public ExitCode exit() {
        return exit;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public String hint() {
        return hint;
    }

    /** Whether this is a verification rejection (recorded in {@code _alerts} when it reaches a node). */
    public boolean isRejection() {
        return exit == ExitCode.REJECTED || exit == ExitCode.CONFLICT;
    }

    public static ErrorCode fromCode(String code) {
        for (ErrorCode c : values()) {
            if (c.code.equals(code)) {
                return c;
            }
        }
        return INTERNAL;
    }
}
