package dev.cscs.store.raft;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Carries a typed rejection through Ratis, which hands clients only an exception message:
 * the code travels in the message and is parsed back on the other side.
 */
final class Rejections {
    private static final String TAG = "cscs-rejection[";
    private static final Pattern PARSE = Pattern.compile("cscs-rejection\\[([a-z-]+)\\] (.*)", Pattern.DOTALL);

    private Rejections() {
    }

    static String encode(CscsException e) {
        return TAG + e.code().code() + "] " + e.getMessage();
    }

    /** The typed rejection inside a Ratis exception chain, or {@code null}. */
    static CscsException decode(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c.getMessage() != null) {
                Matcher m = PARSE.matcher(c.getMessage());
                if (m.find()) {
                    return new CscsException(ErrorCode.fromCode(m.group(1)), m.group(2));
                }
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return null;
    }

    /** An exception whose message Ratis passes to the client unchanged. */
    static final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;

        Rejected(CscsException e) {
            super(encode(e), null, false, false);
        }
    }
}
