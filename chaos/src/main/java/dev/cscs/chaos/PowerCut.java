package dev.cscs.chaos;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A simulated power cut of a voter, the moment after it took a snapshot: SIGKILL, then the
 * data its last writes had not made durable is thrown away, as far as this can be known
 * without a fault-injecting file system (there is no lazyfs here):
 * <ul>
 *   <li>the newest snapshot file is cut to a seeded fraction of its length, its {@code .md5}
 *       left as it was. The store fsyncs a snapshot, its checksum and its directory before the
 *       rename, so a power cut no longer does this to a current build: it stands for what an
 *       older build or a failing disk leaves, and exercises the fallback to the previous
 *       snapshot and the log kept behind it;</li>
 *   <li>a torn append is left at the end of the open Raft log segment: the first half of a copy
 *       of its last record, written where the next record would start (a record that was being
 *       written, so never acknowledged). Records already in the segment are left alone: Ratis
 *       fsyncs them before it acknowledges, and throwing away acknowledged data is not a power
 *       cut but a broken disk.</li>
 * </ul>
 * Not simulated: reordered writes, lost directory entries, a lost Raft metadata update.
 */
final class PowerCut {
    /** Ratis's SegmentedRaftLogFormat header. */
    private static final byte[] HEADER = "RaftLog1".getBytes(StandardCharsets.US_ASCII);

    private PowerCut() {
    }

    /** What was done, for the run's log; the server is left killed. */
    static String cut(Server s, Random rnd, long waitMs) throws IOException, InterruptedException {
        Optional<Path> sm = find(s.dataDir(), "sm");
        Set<Path> before = sm.isPresent() ? snapshots(sm.get()) : Set.of();
        Path fresh = null;
        long deadline = System.nanoTime() + waitMs * 1_000_000L;
        while (fresh == null && System.nanoTime() < deadline) {
            if (sm.isEmpty()) {
                sm = find(s.dataDir(), "sm");
            }
            if (sm.isPresent()) {
                Set<Path> now = snapshots(sm.get());
                now.removeAll(before);
                fresh = now.stream().max(Comparator.naturalOrder()).orElse(null);
            }
            if (fresh == null) {
                Thread.sleep(5);
            }
        }
        s.proc().kill9();
        StringBuilder what = new StringBuilder();
        if (fresh == null) {
            what.append("no new snapshot within ").append(waitMs).append(" ms (killed anyway)");
        } else {
            long len = Files.size(fresh);
            long keep = (long) (len * rnd.nextDouble());
            try (RandomAccessFile f = new RandomAccessFile(fresh.toFile(), "rw")) {
                f.setLength(keep);
            }
            what.append("snapshot ").append(fresh.getFileName()).append(" cut from ").append(len).append(" to ").append(keep)
                    .append(" bytes");
        }
        Optional<Path> current = find(s.dataDir(), "current");
        if (current.isPresent()) {
            what.append("; ").append(tear(current.get()));
        }
        return what.toString();
    }

    private static String tear(Path current) throws IOException {
        Optional<Path> open;
        try (Stream<Path> files = Files.list(current)) {
            open = files.filter(p -> p.getFileName().toString().startsWith("log_inprogress_")).max(Comparator.naturalOrder());
        }
        if (open.isEmpty()) {
            return "no open log segment to tear";
        }
        byte[] b = Files.readAllBytes(open.get());
        if (b.length < HEADER.length || !Arrays.equals(b, 0, HEADER.length, HEADER, 0, HEADER.length)) {
            return open.get().getFileName() + ": not a Ratis segment (no header), left alone";
        }
        int pos = HEADER.length;
        int last = -1;
        while (pos < b.length && b[pos] != 0) {
            int[] v = varint(b, pos);
            if (v == null || pos + v[1] + v[0] + 4 > b.length) {
                return open.get().getFileName() + ": unreadable record at " + pos + ", left alone";
            }
            last = pos;
            pos += v[1] + v[0] + 4;
        }
        if (last < 0) {
            return open.get().getFileName() + ": empty, nothing to tear";
        }
        int half = (pos - last) / 2;
        try (RandomAccessFile f = new RandomAccessFile(open.get().toFile(), "rw")) {
            f.seek(pos);
            f.write(b, last, half);
        }
        return open.get().getFileName() + ": torn append of " + half + " bytes at offset " + pos;
    }

    /** {value, length} of the varint32 at {@code pos}, or null. */
    private static int[] varint(byte[] b, int pos) {
        int value = 0;
        for (int i = 0; i < 5 && pos + i < b.length; i++) {
            value |= (b[pos + i] & 0x7f) << (7 * i);
            if ((b[pos + i] & 0x80) == 0) {
                return value < 0 ? null : new int[] {value, i + 1};
            }
        }
        return null;
    }

    private static Set<Path> snapshots(Path sm) throws IOException {
        try (Stream<Path> files = Files.list(sm)) {
            return new HashSet<>(files.filter(p -> p.getFileName().toString().matches("snapshot\\.\\d+_\\d+")).toList());
        }
    }

    private static Optional<Path> find(Path data, String dirName) throws IOException {
        if (!Files.isDirectory(data)) {
            return Optional.empty();
        }
        try (Stream<Path> all = Files.walk(data, 4)) {
            List<Path> hits = all.filter(p -> Files.isDirectory(p) && p.getFileName().toString().equals(dirName)).toList();
            return hits.stream().findFirst();
        }
    }
}
