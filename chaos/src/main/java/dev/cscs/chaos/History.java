package dev.cscs.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every client operation of the run, with invoke and complete times from one monotonic clock
 * ({@link System#nanoTime()} of this JVM, where all clients run).
 */
final class History {
    enum Outcome { ACKED, FAILED, UNKNOWN }

    /**
     * A signed one-put changeset; {@code nonce} is in its comment and its value, so each is told
     * apart. {@code seq} and {@code digest}: what was submitted; {@code ack}: what the 201 named
     * (null unless {@link Outcome#ACKED}).
     */
    record Write(String nonce, String domain, String key, long seq, String digest, long invoke, long complete,
                 Outcome outcome, Ack ack, String detail, String via) {
    }

    /** Where the server said it committed a write. */
    record Ack(long seq, String digest) {
    }

    /** A single-key read that got an answer; {@code nonce} null when the key was absent. */
    record Read(String domain, String key, String nonce, long invoke, long complete, String via) {
    }

    private final List<Write> writes = new ArrayList<>();
    private final List<Read> reads = new ArrayList<>();
    private final Map<String, Integer> failedReads = new TreeMap<>();

    synchronized void add(Write w) {
        writes.add(w);
    }

    synchronized void add(Read r) {
        reads.add(r);
    }

    /** A read without an answer that tells the value; {@code why}: a status or an exception class. */
    synchronized void readFailed(String why) {
        failedReads.merge(why, 1, Integer::sum);
    }

    synchronized List<Write> writes() {
        return List.copyOf(writes);
    }

    synchronized List<Read> reads() {
        return List.copyOf(reads);
    }

    synchronized Map<String, Integer> failedReads() {
        return new TreeMap<>(failedReads);
    }
}
