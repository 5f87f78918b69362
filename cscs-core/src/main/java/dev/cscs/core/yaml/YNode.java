package dev.cscs.core.yaml;

import java.util.List;
import java.util.Map;

/** A YAML node with where it was written, so every error can name the file, line and column. */
public sealed interface YNode permits YNode.YMap, YNode.YSeq, YNode.YScalar {
    Where where();

    /** A position in a source file (1-based). */
    record Where(String source, int line, int column) {
        @Override
        public String toString() {
            return source + ":" + line + ":" + column;
        }
    }

    record YMap(Map<String, YNode> entries, Map<String, Where> keyPositions, Where where) implements YNode {
    }

    record YSeq(List<YNode> items, Where where) implements YNode {
    }

    /** A scalar; {@code plain} is false when it was quoted (then it is always a string). */
    record YScalar(String text, boolean plain, Where where) implements YNode {
        public boolean isNull() {
            return plain && (text.isEmpty() || text.equals("~") || text.equals("null") || text.equals("Null") || text.equals("NULL"));
        }
    }
}
