package dev.cscs.core.json;

/**
 * Size limits, checked before anything is parsed into memory or reaches the log.
 *
 * @param maxChangesetBytes the encoded changeset as received
 * @param maxValueBytes one value, in canonical form
 * @param maxOps operations in one changeset
 * @param maxDepth nesting of JSON arrays and objects
 * @param maxSignatures signatures on one changeset
 */
public record Limits(int maxChangesetBytes, int maxValueBytes, int maxOps, int maxDepth, int maxSignatures) {
    public static final Limits DEFAULT = new Limits(1 << 20, 64 << 10, 1000, 32, 32);

    public Limits {
        if (maxChangesetBytes < 1024 || maxValueBytes < 64 || maxOps < 1 || maxDepth < 4 || maxSignatures < 1) {
            throw new IllegalArgumentException("limits too small: " + maxChangesetBytes + "/" + maxValueBytes
                    + "/" + maxOps + "/" + maxDepth + "/" + maxSignatures);
        }
    }
}
