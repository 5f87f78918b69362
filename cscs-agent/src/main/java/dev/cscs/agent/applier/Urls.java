package dev.cscs.agent.applier;

import dev.cscs.core.model.Names;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * URL checks for repository addresses. A URL is one token: no whitespace, quotes, backslashes or
 * angle brackets, so it can neither split into two values nor end a quoted field, and
 * percent-escapes must be complete. Only the schemes a package manager fetches from are allowed.
 */
final class Urls {
    static final int MAX = 2048;

    private Urls() {
    }

    /** Punctuation every URL may use: RFC 3986 minus the sub-delims no repository address needs. */
    static final String BASE = "-._~:/?#[]@&=+%";

    /**
     * Checks {@code url}: letters, digits, {@link #BASE} and {@code extra} (yum adds
     * {@code ${}} for its {@code $releasever} variables, apt adds {@code ,}).
     */
    static String check(Fields f, String field, String url, Set<String> schemes, String extra) {
        int sep = url.indexOf("://");
        String scheme = sep > 0 ? url.substring(0, sep).toLowerCase(Locale.ROOT) : "";
        if (!schemes.contains(scheme)) {
            throw f.invalid(field, "must be a URL starting with one of " + String.join("://, ", new TreeSet<>(schemes))
                    + "://; got " + Names.shown(url));
        }
        String rest = url.substring(sep + 3);
        String bad = Text.firstOutside(url, "letters, digits and " + BASE + extra,
                cp -> Text.isAsciiAlnum(cp) || BASE.indexOf(cp) >= 0 || extra.indexOf(cp) >= 0);
        if (bad != null) {
            throw f.invalid(field, bad);
        }
        if (!scheme.equals("file") && !scheme.endsWith("+file")) {
            int end = indexOfAny(rest, "/?#");
            if ((end < 0 ? rest : rest.substring(0, end)).isEmpty()) {
                throw f.invalid(field, "has no host after " + scheme + "://");
            }
        } else if (!rest.startsWith("/")) {
            throw f.invalid(field, "must name an absolute path: " + scheme + ":///path");
        }
        for (int i = url.indexOf('%'); i >= 0; i = url.indexOf('%', i + 1)) {
            if (i + 2 >= url.length() || !isHex(url.charAt(i + 1)) || !isHex(url.charAt(i + 2))) {
                throw f.invalid(field, "has an incomplete percent-escape at index " + i);
            }
        }
        return url;
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
