package dev.cscs.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.cli.Printer;
import dev.cscs.core.json.Jcs;
import dev.cscs.core.json.Limits;
import dev.cscs.core.json.StrictJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Shows a change of one key as a unified diff of its canonical value pretty-printed one field a
 * line, so a one-field change is one -/+ pair with {@value #CONTEXT} lines of context either side.
 * An added key is shown whole with +, a removed one whole with -.
 */
final class DiffRenderer {
    static final int CONTEXT = 3;
    /** Beyond this many lines a side, the line diff (quadratic) gives way to whole -/+ blocks. */
    private static final int MAX_LINES = 2000;

    private DiffRenderer() {
    }

    /** {@code before} or {@code after} is null when the key is added or removed. */
    static String render(String key, JsonNode before, JsonNode after) {
        StringBuilder b = new StringBuilder();
        b.append(before == null ? "+ " : after == null ? "- " : "~ ").append(key).append('\n');
        List<String> old = lines(before);
        List<String> now = lines(after);
        for (String line : hunks(old, now)) {
            b.append("    ").append(line).append('\n');
        }
        return b.toString();
    }

    /** Pretty-printed canonical JSON: keys sorted as JCS sorts them, so equal values print alike. */
    static List<String> lines(JsonNode value) {
        if (value == null) {
            return List.of();
        }
        JsonNode canonical = StrictJson.parse(Jcs.canonicalString(value).getBytes(StandardCharsets.UTF_8),
                Limits.DEFAULT.maxDepth(), "value");
        return List.of(Printer.toJson(canonical).split("\n"));
    }

    /** The edit script of {@code a} to {@code b}, trimmed to the changed lines and their context. */
    static List<String> hunks(List<String> a, List<String> b) {
        List<String> script = script(a, b);
        List<String> out = new ArrayList<>();
        int skipped = 0;
        for (int i = 0; i < script.size(); i++) {
            if (near(script, i)) {
                if (skipped > 0) {
                    out.add("  ... (" + skipped + " unchanged line" + (skipped == 1 ? "" : "s") + ")");
                    skipped = 0;
                }
                out.add(script.get(i));
            } else {
                skipped++;
            }
        }
        if (skipped > 0 && !out.isEmpty()) {
            out.add("  ... (" + skipped + " unchanged line" + (skipped == 1 ? "" : "s") + ")");
        }
        return out;
    }

    private static boolean near(List<String> script, int i) {
        for (int j = Math.max(0, i - CONTEXT); j <= Math.min(script.size() - 1, i + CONTEXT); j++) {
            if (script.get(j).charAt(0) != ' ') {
                return true;
            }
        }
        return false;
    }

    /** A longest-common-subsequence line diff: each line prefixed "  ", "- " or "+ ". */
    private static List<String> script(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>();
        if (a.size() > MAX_LINES || b.size() > MAX_LINES) {
            a.forEach(l -> out.add("- " + l));
            b.forEach(l -> out.add("+ " + l));
            return out;
        }
        int[][] lcs = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
                out.add("  " + a.get(i++));
                j++;
            } else if (i < a.size() && (j == b.size() || lcs[i + 1][j] >= lcs[i][j + 1])) {
                out.add("- " + a.get(i++));
            } else {
                out.add("+ " + b.get(j++));
            }
        }
        return out;
    }
}
