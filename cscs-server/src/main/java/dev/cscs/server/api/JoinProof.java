package dev.cscs.server.api;

import dev.cscs.core.model.Digest;
import java.nio.charset.StandardCharsets;

/** What a joining node signs with its own key to show it holds the key its token names. */
public final class JoinProof {
    public static final String CONTEXT = "cscs-join-proof-v1\n";

    private JoinProof() {
    }

    public static byte[] payload(Digest tokenId, String raftAddress) {
        return (CONTEXT + tokenId + "\n" + raftAddress).getBytes(StandardCharsets.UTF_8);
    }
}
