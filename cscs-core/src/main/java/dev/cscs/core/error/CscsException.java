package dev.cscs.core.error;

/**
 * A failure with a stable {@link ErrorCode} and a precise message (what, where, why).
 * Messages never contain secret material.
 */
public class CscsException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ErrorCode code;

    public CscsException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public CscsException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    public static CscsException malformed(String message) {
        return new CscsException(ErrorCode.MALFORMED, message);
    }
}
