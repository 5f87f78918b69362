package dev.cscs.store.raft;

import dev.cscs.core.model.Digest;

/** The answer to an accepted submission (HTTP 201): where it landed. */
public record SubmitReply(long revision, String domain, long seq, Digest digest) {
}
