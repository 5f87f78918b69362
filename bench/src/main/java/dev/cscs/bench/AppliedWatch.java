package dev.cscs.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * When each agent's applied file, in its own sandbox root, first holds a given line: inotify
 * on each file's directory wakes the check (the agents write by rename), and a full rescan of
 * the agents still pending every 200 ms covers any event the kernel dropped. A time is when
 * the harness saw the file, so at most one wake-up late.
 */
final class AppliedWatch implements AutoCloseable {
    private static final long RESCAN_MS = 200;
    private final List<Path> files;
    private final WatchService inotify;
    private final Map<WatchKey, Integer> owners = new HashMap<>();

    /** {@code files}: one per agent, by index; their directories must exist. */
    AppliedWatch(List<Path> files) {
        this.files = List.copyOf(files);
        try {
            inotify = FileSystems.getDefault().newWatchService();
            for (int i = 0; i < files.size(); i++) {
                owners.put(files.get(i).getParent().register(inotify, StandardWatchEventKinds.ENTRY_CREATE,
                        StandardWatchEventKinds.ENTRY_MODIFY), i);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Nanoseconds from {@code t0} until each agent's file held {@code line}; -1 for an agent
     * whose file did not by {@code deadline} (a {@code System.nanoTime()}).
     */
    long[] await(String line, long t0, long deadline) throws InterruptedException {
        String wanted = "\n" + line + "\n";
        long[] at = new long[files.size()];
        Arrays.fill(at, -1);
        BitSet pending = new BitSet();
        pending.set(0, files.size());
        drainStale();
        rescan(pending, wanted, at, t0);
        while (!pending.isEmpty() && System.nanoTime() < deadline) {
            WatchKey key = inotify.poll(RESCAN_MS, TimeUnit.MILLISECONDS);
            if (key == null) {
                rescan(pending, wanted, at, t0);
                continue;
            }
            boolean overflow = key.pollEvents().stream().anyMatch(e -> e.kind() == StandardWatchEventKinds.OVERFLOW);
            key.reset();
            Integer i = owners.get(key);
            if (overflow || i == null) {
                rescan(pending, wanted, at, t0);
            } else if (pending.get(i)) {
                check(i, pending, wanted, at, t0);
            }
        }
        return at;
    }

    private void drainStale() {
        WatchKey k;
        while ((k = inotify.poll()) != null) {
            k.pollEvents();
            k.reset();
        }
    }

    private void rescan(BitSet pending, String wanted, long[] at, long t0) {
        for (int i = pending.nextSetBit(0); i >= 0; i = pending.nextSetBit(i + 1)) {
            check(i, pending, wanted, at, t0);
        }
    }

    private void check(int i, BitSet pending, String wanted, long[] at, long t0) {
        if (holds(files.get(i), wanted)) {
            at[i] = System.nanoTime() - t0;
            pending.clear(i);
        }
    }

    /** The bytes of {@code file}, or none while it does not exist. */
    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private static boolean holds(Path file, String wanted) {
        return new String(read(file), StandardCharsets.UTF_8).contains(wanted);
    }

    @Override
    public void close() throws IOException {
        inotify.close();
    }
}
