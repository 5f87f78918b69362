package dev.cscs.bench.micro;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.core.json.Jcs;
import dev.cscs.core.json.Limits;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.store.LogEntry;
import dev.cscs.store.LogEntryCodec;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The encodings a changeset goes through, on a typical one (five ops: sysctl puts, an sshd
 * hardening block, a delete; one Ed25519 signature): {@link Jcs#canonicalize} of its body
 * tree, which is what every signature covers and every digest hashes; the strict
 * {@link ChangesetCodec#parse} the HTTP API runs on each submission; and the Raft log entry
 * carrying it, encoded by the leader and decoded by every replica with the protocol's limits.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CodecBench {
    private ObjectNode bodyTree;
    private byte[] encodedChangeset;
    private LogEntry.Submit submit;
    private byte[] encodedSubmit;

    @Setup
    public void encodeTypicalChangeset() {
        Changeset changeset = SignedChain.signedWith("ed25519").typicalLink();
        bodyTree = ChangesetCodec.bodyTree(changeset.body());
        encodedChangeset = ChangesetCodec.toCompactJson(changeset);
        submit = new LogEntry.Submit("n1", "2026-11-29T16:00:01Z", changeset);
        encodedSubmit = LogEntryCodec.encode(submit);
        // the decoders must take what the encoders wrote, or the figures are of error paths
        if (!Arrays.equals(ChangesetCodec.toCompactJson(ChangesetCodec.parse(encodedChangeset, Limits.DEFAULT)), encodedChangeset)
                || !Arrays.equals(LogEntryCodec.encode(LogEntryCodec.decode(encodedSubmit, Limits.PROTOCOL_MAX)), encodedSubmit)) {
            throw new IllegalStateException("the typical changeset does not survive its own encoding");
        }
    }

    @Benchmark
    public byte[] canonicalizeBody() {
        return Jcs.canonicalize(bodyTree);
    }

    @Benchmark
    public Changeset parseChangesetStrictly() {
        return ChangesetCodec.parse(encodedChangeset, Limits.DEFAULT);
    }

    @Benchmark
    public byte[] encodeLogEntry() {
        return LogEntryCodec.encode(submit);
    }

    @Benchmark
    public LogEntry decodeLogEntry() {
        return LogEntryCodec.decode(encodedSubmit, Limits.PROTOCOL_MAX);
    }
}
