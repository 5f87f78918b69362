package dev.cscs.core.model;

import java.time.Instant;
import java.util.List;

/**
 * The signed part of a changeset. {@code issued} keeps the exact RFC 3339 text it was signed
 * with, so that re-encoding never changes the digest.
 */
public record ChangesetBody(String domain, long seq, Digest prev, String issued, List<Op> ops, String comment) {
    public static final String FORMAT = "cscs/changeset/v1";

    public ChangesetBody {
        ops = List.copyOf(ops);
    }

    public Instant issuedAt() {
        return Instant.parse(issued);
    }
}
