package dev.cscs.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One side of the comparison: three members on loopback, written to through one of them, and
 * something on each member that renders a watched value into a file (CSCS: each node's own agent;
 * etcd: a watcher process per member, the confd pattern). Lanes are independent write streams:
 * a CSCS domain each (a domain's chain admits one writer at a time), an etcd key each.
 */
sealed interface Contender extends AutoCloseable permits CscsContender, EtcdContender {
    /** The lane whose writes every member renders into {@link #renderedFiles()}. */
    String RENDERED = "rendered";
    /** The lane of the sequential-write row; nothing renders it. */
    String SEQUENTIAL = "seq";
    /** The lanes of the throughput row, one per writer. */
    int WRITERS = 16;

    static String writerLane(int w) {
        return "w" + w;
    }

    String name();

    List<String> members();

    /** The current leader, asked with a deadline. */
    String leader();

    /** Writes value {@code i} into {@code lane} through {@code member}; returns once a quorum acknowledged it. */
    void write(String member, String lane, int i);

    /** As {@link #write}, but false instead of an exception, and never longer than {@code timeoutMillis}. */
    boolean tryWrite(String member, String lane, int i, long timeoutMillis);

    /** The file on each member that shows the {@link #RENDERED} lane's value. */
    List<Path> renderedFiles();

    /** What {@link #renderedFiles()} contain once value {@code i} was rendered. */
    String renderedText(int i);

    /** The processes of each member (a node, or etcd and its watcher), for RSS. */
    Map<String, List<Long>> pids();

    /** The size of a member's durable state on disk (Raft log, snapshots, store), in bytes. */
    long stateBytes(String member) throws IOException;

    void kill9(String member) throws InterruptedException;

    /** What the member itself says of the writes it took so far (its own metrics), for where the time went; or empty. */
    default String serverSide(String member) {
        return "";
    }

    /** Leaves the member's directories in place when closed, for a post-mortem; returns where they are. */
    Path keep();

    @Override
    void close();
}
