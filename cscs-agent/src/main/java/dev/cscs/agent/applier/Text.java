package dev.cscs.agent.applier;

import dev.cscs.core.model.Names;
import java.util.function.IntPredicate;

/**
 * Character-level checks shared by every schema. A value that reaches a config file must be one
 * line with nothing invisible in it: besides CR and LF, parsers split lines on VT, FF, NEL and
 * U+2028/U+2029 (Python's {@code splitlines}, for one), and bidi or zero-width characters make
 * a file read differently from how it looks.
 */
final class Text {
    private Text() {
    }

    /** Why {@code s} may not appear in a config file, or {@code null} if it may. */
    static String problem(String s) {
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            if (isLineBreak(cp)) {
                return "contains a line break (" + hex(cp) + ") at index " + i + "; a value must be one line";
            }
            if (Character.isISOControl(cp)) {
                return "contains control character " + hex(cp) + " at index " + i;
            }
            if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
                return "contains an unpaired UTF-16 surrogate at index " + i;
            }
            int type = Character.getType(cp);
            if (type == Character.FORMAT || type == Character.UNASSIGNED || type == Character.PRIVATE_USE) {
                return "contains invisible or unassigned character " + hex(cp) + " at index " + i;
            }
            i += Character.charCount(cp);
        }
        return null;
    }

    /** Whether every character of {@code s} is printable ASCII (0x20–0x7e). */
    static boolean isPrintableAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    /** The first character of {@code s} outside {@code allowed}, described, or {@code null}. */
    static String firstOutside(String s, String allowedDescription, IntPredicate allowed) {
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            if (!allowed.test(cp)) {
                return "contains " + describe(cp) + " at index " + i + "; allowed: " + allowedDescription;
            }
            i += Character.charCount(cp);
        }
        return null;
    }

    static String describe(int cp) {
        if (cp >= 0x21 && cp <= 0x7e) {
            return "'" + (char) cp + "'";
        }
        return cp == ' ' ? "a space" : hex(cp);
    }

    private static boolean isLineBreak(int cp) {
        return cp == '\n' || cp == '\r' || cp == 0x0b || cp == 0x0c || cp == 0x85 || cp == 0x2028 || cp == 0x2029;
    }

    static String hex(int cp) {
        return String.format("U+%04X", cp);
    }

    /** Why {@code name} is not a key name, or {@code null}; more precise than the grammar alone. */
    static String keyNameProblem(String name) {
        if (name == null || name.isEmpty()) {
            return "is empty";
        }
        if (name.length() > 128) {
            return "is " + name.length() + " characters long; at most 128";
        }
        if (name.indexOf('/') >= 0) {
            return "contains '/'; a key name is one path segment";
        }
        if (name.contains("..")) {
            return "contains '..'";
        }
        char first = name.charAt(0);
        if (!(isAsciiAlnum(first))) {
            return "starts with " + describe(first) + "; it must start with a letter or digit";
        }
        String bad = firstOutside(name, "letters, digits, '.', '_', ':', '-'",
                cp -> isAsciiAlnum(cp) || cp == '.' || cp == '_' || cp == ':' || cp == '-');
        if (bad != null) {
            return bad;
        }
        return Names.isKeyName(name) ? null : "is not a valid key name: [A-Za-z0-9][A-Za-z0-9._:-]{0,127}";
    }

    static boolean isAsciiAlnum(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
}
