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
    /**
     * The most any node may be configured to accept. What is already in the Raft log is decoded
     * with these on every replica, whatever its own limits say, so that replicas configured
     * differently can never disagree about an entry.
     */
    public static final Limits PROTOCOL_MAX = new Limits(4 << 20, 4 << 20, 100_000, 256, 1024);

    public Limits {
        if (maxChangesetBytes < 1024 || maxValueBytes < 64 || maxOps < 1 || maxDepth < 4 || maxSignatures < 1) {
            throw new IllegalArgumentException("limits too small: " + maxChangesetBytes + "/" + maxValueBytes
                    + "/" + maxOps + "/" + maxDepth + "/" + maxSignatures);
        }
    }
}
