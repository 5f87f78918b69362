package dev.cscs.core.json;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Says in our own words what is wrong with malformed JSON, and where: line, column and the path
 * of the value being read. The parser's own messages are written for programmers (character
 * codes, "[Source: REDACTED …]", feature names) and may change between versions, so none of
 * their text is passed on; only the offending character or token, quoted safely.
 */
final class SyntaxErrors {
    private static final Pattern UNEXPECTED_CHAR = Pattern.compile("^Unexpected character \\('(.)' \\(code \\d+\\)\\)");
    private static final Pattern UNRECOGNIZED = Pattern.compile("^Unrecognized token '([^']{0,80})");

    private SyntaxErrors() {
    }

    /** "line L, column C ($.path): why", for an error of parser {@code p}. */
    static String explain(JsonParser p, JsonProcessingException e) {
        JsonLocation loc = e.getLocation() != null ? e.getLocation() : p.currentLocation();
        return "line " + loc.getLineNr() + ", column " + loc.getColumnNr() + " (" + path(p.getParsingContext()) + "): "
                + why(e);
    }

    private static String why(JsonProcessingException e) {
        if (e instanceof StreamConstraintsException) {
            return e.getOriginalMessage() != null && e.getOriginalMessage().contains("Number")
                    ? "a number with more digits than any integer within ±(2^53-1)"
                    : "a value larger than this reader accepts";
        }
        String m = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        Matcher c = UNEXPECTED_CHAR.matcher(m);
        if (c.find()) {
            return "unexpected " + shown(c.group(1)) + expected(m);
        }
        Matcher t = UNRECOGNIZED.matcher(m);
        if (t.find()) {
            return shown(t.group(1)) + " is not a JSON value (strings need double quotes; literals are true, false, null)";
        }
        if (m.startsWith("Unexpected end-of-input")) {
            if (m.contains("closing quote")) {
                return "the document ends inside a string (no closing \")";
            }
            if (m.contains("Object")) {
                return "the document ends inside an object (no closing })";
            }
            if (m.contains("Array")) {
                return "the document ends inside an array (no closing ])";
            }
            return "the document ends before the value is complete";
        }
        if (m.startsWith("Illegal unquoted character")) {
            return "a control character inside a string must be escaped (\\n, \\t, \\u0001, …)";
        }
        if (m.startsWith("Unrecognized character escape")) {
            return "an unknown escape in a string (valid: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)";
        }
        if (m.contains("numeric value") || m.contains("Numeric value")) {
            return "a malformed number";
        }
        return "not valid JSON here";
    }

    private static String expected(String m) {
        if (m.contains("double-quote to start field name")) {
            return "; a member name must be a string in double quotes";
        }
        if (m.contains("separate Array entries")) {
            return "; expected , or ] after an array element";
        }
        if (m.contains("separate Object entries")) {
            return "; expected , or } after a member";
        }
        if (m.contains("colon to separate field name and value")) {
            return "; expected : after the member name";
        }
        if (m.contains("valid value")) {
            return "; expected a value (string in double quotes, integer, object, array, true, false or null)";
        }
        return "";
    }

    /** The path in the notation of {@link StrictJson}'s other errors: {@code $.a.b[2]}. */
    private static String path(JsonStreamContext ctx) {
        Deque<String> parts = new ArrayDeque<>();
        for (JsonStreamContext c = ctx; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                parts.push("[" + Math.max(0, c.getCurrentIndex()) + "]");
            } else if (c.inObject() && c.getCurrentName() != null) {
                parts.push("." + c.getCurrentName());
            }
        }
        return "$" + String.join("", parts);
    }

    private static String shown(String s) {
        StringBuilder b = new StringBuilder("'");
        s.codePoints().forEach(cp -> b.append(cp < 0x20 || cp == 0x7f ? String.format("\\u%04x", cp) : Character.toString(cp)));
        return b.append('\'').toString();
    }
}
