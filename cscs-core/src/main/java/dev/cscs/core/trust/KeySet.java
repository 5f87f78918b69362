package dev.cscs.core.trust;

import java.util.List;

/** A set of keys and how many of them must sign. */
public record KeySet(List<String> keyids, int threshold) {
    public KeySet {
        keyids = List.copyOf(keyids);
    }

    public boolean contains(String keyid) {
        return keyids.contains(keyid);
    }
}
