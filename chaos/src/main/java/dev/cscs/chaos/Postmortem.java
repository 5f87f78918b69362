package dev.cscs.chaos;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a run prints when the servers' chains did not agree after healing: each server's Raft
 * indexes as its {@code /metrics} reports them, and, for every server that applied less than
 * the most advanced one, the threads that move entries into its log and its state machine, from
 * a thread dump (SIGQUIT makes the JVM print one to its output). So a failed run, in CI too, says
 * whether a replica stopped receiving entries (its commit index stays behind) or stopped applying
 * them (its applied index does), where that thread waits, and the last warnings and errors it logged.
 */
final class Postmortem {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Pattern RAFT_THREADS = Pattern.compile(
            "StateMachineUpdater|SegmentedRaftLogWorker|GrpcServerProtocolService|java.lang.Thread.State: BLOCKED");
    /** {@code cscs_raft_<name> <value>}, or {@code cscs_raft_role{role="<role>"} <value>}; not the leader-change counter. */
    private static final Pattern GAUGE = Pattern.compile(
            "cscs_raft_(?:(term|commit_index|applied_index|has_leader)|role\\{role=\"(\\w+)\"\\}) ([0-9.eE+-]+)");
    private static final int LINES_PER_THREAD = 14;
    private static final Duration DUMP_WAIT = Duration.ofSeconds(5);
    /** The last section of a HotSpot thread dump. */
    private static final String DUMP_END = "JNI global refs";
    private static final int LOG_LINES = 20;
    /** A line of the node's log ({@code LineLayout}): the time, then the level. */
    private static final Pattern TROUBLE = Pattern.compile("^\\S+ (WARN |ERROR) ");

    private Postmortem() {
    }

    /** One server's Raft as its {@code /metrics} shows it; {@code role} is the label of the gauge at 1. */
    record RaftView(long term, long commitIndex, long appliedIndex, boolean hasLeader, String role) {
        @Override
        public String toString() {
            return "term " + term + ", commit index " + commitIndex + ", applied index " + appliedIndex + ", " + role
                    + (hasLeader ? "" : ", no leader known");
        }
    }

    static void print(World world, PrintStream out) {
        Map<Server, Optional<RaftView>> views = new LinkedHashMap<>();
        for (Server s : world.servers) {
            Optional<RaftView> v = raftView(s, out);
            views.put(s, v);
            v.ifPresent(view -> out.println("postmortem: " + s.id() + " " + view));
        }
        long mostApplied = views.values().stream().flatMap(Optional::stream).mapToLong(RaftView::appliedIndex).max().orElse(-1);
        views.forEach((s, v) -> {
            if (v.map(RaftView::appliedIndex).orElse(-1L) < mostApplied) {
                threadDump(s).forEach(line -> out.println("postmortem: " + s.id() + " | " + line));
                try {
                    lastTroubles(logLines(s), LOG_LINES).forEach(l -> out.println("postmortem: " + s.id() + " log | " + l));
                } catch (IOException | UncheckedIOException x) {
                    out.println("postmortem: " + s.id() + ": its log could not be read: " + x.getMessage());
                }
            }
        });
    }

    /** What {@code s}'s {@code /metrics} says of its Raft; empty, with the reason printed, when it says nothing. */
    private static Optional<RaftView> raftView(Server s, PrintStream out) {
        try {
            String body = HTTP.send(HttpRequest.newBuilder(URI.create(s.api() + "/metrics")).timeout(Duration.ofSeconds(3))
                    .GET().build(), HttpResponse.BodyHandlers.ofString()).body();
            Optional<RaftView> v = raftView(body);
            if (v.isEmpty()) {
                out.println("postmortem: " + s.id() + " has no Raft gauges: its Raft group is not running");
            }
            return v;
        } catch (IOException e) {
            out.println("postmortem: " + s.id() + " did not answer /metrics: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Optional.empty();
    }

    /** The Raft gauges of an exposition; empty unless all of them are there. */
    static Optional<RaftView> raftView(String exposition) {
        Map<String, Double> gauges = new HashMap<>();
        String role = null;
        for (String line : exposition.split("\n")) {
            Matcher m = GAUGE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            double value = Double.parseDouble(m.group(3));
            if (m.group(2) == null) {
                gauges.put(m.group(1), value);
            } else if (value == 1) {
                role = m.group(2);
            }
        }
        if (role == null || !gauges.keySet().containsAll(List.of("term", "commit_index", "applied_index", "has_leader"))) {
            return Optional.empty();
        }
        return Optional.of(new RaftView(gauges.get("term").longValue(), gauges.get("commit_index").longValue(),
                gauges.get("applied_index").longValue(), gauges.get("has_leader") == 1, role));
    }

    /** The last {@code n} warnings and errors among {@code lines}, oldest first. */
    static List<String> lastTroubles(List<String> lines, int n) {
        List<String> troubles = lines.stream().filter(l -> TROUBLE.matcher(l).find()).toList();
        return troubles.subList(Math.max(0, troubles.size() - n), troubles.size());
    }

    /** The lines of the server's log files ({@code <dir>/log/*.log}), file by file in name order. */
    private static List<String> logLines(Server s) throws IOException {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.list(s.dir().resolve("log"))) {
            for (Path f : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
                lines.addAll(Files.readAllLines(f, StandardCharsets.UTF_8));
            }
        }
        return lines;
    }

    /** The first lines of each thread of {@code dump} (HotSpot's format) that moves Raft entries, or is blocked. */
    static List<String> raftThreads(String dump) {
        List<String> out = new ArrayList<>();
        for (String block : dump.split("\n\\s*\n")) {
            if (block.startsWith("\"") && RAFT_THREADS.matcher(block).find()) {
                block.lines().limit(LINES_PER_THREAD).forEach(out::add);
            }
        }
        return out;
    }

    /** The Raft threads of {@code s}'s thread dump, each cut to its first lines; one line saying why when there are none. */
    private static List<String> threadDump(Server s) {
        Process p = s.proc().process();
        if (p == null || !p.isAlive()) {
            return List.of("(not running)");
        }
        try (FileChannel output = FileChannel.open(s.proc().out, StandardOpenOption.READ)) {
            output.position(output.size()); // only what the dump adds
            s.proc().requestThreadDump();
            ByteArrayOutputStream dump = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            long deadline = System.nanoTime() + DUMP_WAIT.toNanos();
            while (System.nanoTime() < deadline && !dump.toString(StandardCharsets.UTF_8).contains(DUMP_END)) {
                if (output.read(buf.clear()) <= 0) {
                    Thread.sleep(50); // polled with a deadline: the JVM writes the dump on its own thread
                }
                dump.write(buf.array(), 0, buf.position());
            }
            List<String> threads = raftThreads(dump.toString(StandardCharsets.UTF_8));
            return threads.isEmpty() ? List.of("(no Raft thread in a dump within " + DUMP_WAIT.toSeconds() + " s)") : threads;
        } catch (IOException e) {
            return List.of("(no thread dump: " + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of("(interrupted)");
        }
    }
}
