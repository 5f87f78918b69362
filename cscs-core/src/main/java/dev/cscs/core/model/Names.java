package dev.cscs.core.model;

import dev.cscs.core.error.CscsException;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The name grammars of DESIGN.md §2. A domain or key name never reaches a path, a log line
 * or a store without passing one of these checks.
 */
public final class Names {
    public static final String TRUST = "_trust";
    public static final String NODES = "_nodes";
    public static final String STATUS = "_status";
    public static final String ALERTS = "_alerts";
    public static final Set<String> RESERVED = Set.of(TRUST, NODES, STATUS, ALERTS);
    /** The one key of the {@code _trust} domain. */
    public static final String POLICY_KEY = "policy";

    private static final Pattern DOMAIN = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern NODE_ID = DOMAIN;
    private static final Pattern APPLIER = Pattern.compile("[a-z][a-z0-9]{0,31}");
    private static final Pattern KEY_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

    private Names() {
    }

    public static boolean isDomain(String s) {
        return s != null && DOMAIN.matcher(s).matches();
    }

    /** A configuration domain: {@code [a-z0-9][a-z0-9-]{0,62}}. */
    public static String checkDomain(String s) {
        if (!isDomain(s)) {
            throw CscsException.malformed("domain " + quote(s)
                    + " is not a valid name: lowercase letters, digits and '-', 1-63 characters, not starting with '-'"
                    + (s != null && s.startsWith("_") ? " (names starting with '_' are reserved)" : ""));
        }
        return s;
    }

    /** A domain a changeset may be written to: a configuration domain, {@code _trust} or {@code _nodes}. */
    public static String checkChangesetDomain(String s) {
        return TRUST.equals(s) || NODES.equals(s) ? s : checkDomain(s);
    }

    /** The key of a node in the {@code _nodes} registry. */
    public static String nodeKey(String nodeId) {
        return "node/" + checkNodeId(nodeId);
    }

    public static String checkNodeId(String s) {
        if (s == null || !NODE_ID.matcher(s).matches()) {
            throw CscsException.malformed("node id " + quote(s)
                    + " is not valid: lowercase letters, digits and '-', 1-63 characters");
        }
        return s;
    }

    public static boolean isApplier(String s) {
        return s != null && APPLIER.matcher(s).matches();
    }

    public static String checkApplier(String s) {
        if (!isApplier(s)) {
            throw CscsException.malformed("applier " + quote(s) + " is not valid: [a-z][a-z0-9]{0,31}");
        }
        return s;
    }

    /** Whether {@code s} is a key name: {@code [A-Za-z0-9][A-Za-z0-9._:-]{0,127}}, and no {@code ..}. */
    public static boolean isKeyName(String s) {
        return s != null && KEY_NAME.matcher(s).matches() && !s.contains("..");
    }

    private static String quote(String s) {
        if (s == null) {
            return "(missing)";
        }
        String shown = s.length() > 80 ? s.substring(0, 80) + "…" : s;
        StringBuilder b = new StringBuilder("\"");
        shown.codePoints().forEach(cp -> {
            if (cp < 0x20 || cp == 0x7f) {
                b.append(String.format("\\u%04x", cp));
            } else {
                b.appendCodePoint(cp);
            }
        });
        return b.append('"').toString();
    }

    /** A value safe to show in a message: truncated, control characters escaped. */
    public static String shown(String s) {
        return quote(s);
    }
}
