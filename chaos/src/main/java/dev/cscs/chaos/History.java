package dev.cscs.chaos;

import java.util.ArrayList;
import java.util.List;

/**
 * Every client operation of the run, with invoke and complete times from one monotonic clock
 * ({@link System#nanoTime()} of this JVM, where all clients run).
 */
final class History {
    enum Outcome { ACKED, FAILED, UNKNOWN }

    /** A signed one-put changeset; {@code nonce} is in its comment and its value, so each is told apart. */
    record Write(String nonce, String domain, String key, long seq, String digest, long invoke, long complete,
                 Outcome outcome, String detail, String via) {
    }

    /** A single-key read that got an answer; {@code nonce} null when the key was absent. */
    record Read(String domain, String key, String nonce, long invoke, long complete, String via) {
    }

    private final List<Write> writes = new ArrayList<>();
    private final List<Read> reads = new ArrayList<>();
    private int failedReads;

    synchronized void add(Write w) {
        writes.add(w);
    }

    synchronized void add(Read r) {
        reads.add(r);
    }

    synchronized void readFailed() {
        failedReads++;
    }

    synchronized List<Write> writes() {
        return List.copyOf(writes);
    }

    synchronized List<Read> reads() {
        return List.copyOf(reads);
    }

    synchronized int failedReads() {
        return failedReads;
    }
}
