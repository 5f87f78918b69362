package dev.cscs.store.raft;

import static dev.cscs.core.testing.Chains.put;
import static dev.cscs.store.raft.ReplicationIT.nextFor;
import static dev.cscs.store.raft.ReplicationIT.submit;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cscs.core.model.Head;
import dev.cscs.core.testing.Chains;
import dev.cscs.core.testing.Eventually;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A power cut while Ratis appends leaves part of a record at the end of the open log segment
 * (never acknowledged: Ratis syncs before it acknowledges). The chaos suite's power cut found
 * that such a node never started again (Ratis' default corruption policy throws).
 */
class TornLogIT extends ClusterFixture {
    private static final byte[] HEADER = "RaftLog1".getBytes(StandardCharsets.US_ASCII);
    @Test
    void aNodeWithATornAppendAtTheEndOfItsOpenSegmentRestartsAndCatchesUp() throws Exception {
        cluster = new TestCluster(dir, Chains.genesis()).start(3);
        RaftNode leader = cluster.leader();
        for (int i = 0; i < 10; i++) {
            submit(leader, nextFor(leader.store(), "global", put("sysctl/k" + i, "{\"value\":\"" + i + "\"}")));
        }
        cluster.awaitAllApplied(leader.store().lastRevision());
        String victim = cluster.follower().nodeId();
        Map<String, Head> before = cluster.node(victim).store().heads();
        cluster.stop(victim);
        tearTheLastRecord(openSegment(dir.resolve(victim)));

        RaftNode again = cluster.startNode(victim);

        Eventually.await(victim + " has its chains back", TestCluster.DEADLINE, () -> again.store().heads().equals(before));
        RaftNode now = cluster.leader();
        long revision = submit(now, nextFor(now.store(), "global", put("sysctl/after", "{\"value\":\"1\"}"))).revision();
        cluster.awaitAllApplied(revision);
        assertThat(again.store().head("global").seq()).isEqualTo(11);
    }

    private static Path openSegment(Path node) throws IOException {
        try (Stream<Path> files = Files.walk(node)) {
            return files.filter(p -> p.getFileName().toString().startsWith("log_inprogress_")).findFirst().orElseThrow();
        }
    }

    /**
     * Writes the first half of a copy of the last record where the next one would start (Ratis'
     * segment format), followed by zeros as in a preallocated segment: what a power cut mid-append leaves.
     */
    private static void tearTheLastRecord(Path segment) throws IOException {
        byte[] b = Files.readAllBytes(segment);
        assertThat(Arrays.copyOf(b, HEADER.length)).isEqualTo(HEADER);
        int pos = HEADER.length;
        int last = -1;
        while (pos < b.length && b[pos] != 0) {
            int length = 0;
            int size = 0;
            while ((b[pos + size] & 0x80) != 0) {
                length |= (b[pos + size] & 0x7f) << (7 * size);
                size++;
            }
            length |= b[pos + size] << (7 * size);
            last = pos;
            pos += size + 1 + length + 4; // varint, entry, checksum
        }
        assertThat(last).isPositive();
        try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
            f.setLength(Math.max(b.length, pos + 2L * (pos - last)));
            f.seek(pos);
            f.write(b, last, (pos - last) / 2);
        }
    }
}
