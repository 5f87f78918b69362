package dev.cscs.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cscs.core.testing.Eventually;
import dev.cscs.store.ConfigStore;
import dev.cscs.store.raft.RaftNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzzed bodies for {@code POST /v1/join} and {@code POST /v1/status}, sent over real HTTP to
 * a real one-node cluster (Javalin on loopback, Raft, the store). Whatever the bytes: the
 * answer is never 5xx, a refusal is the documented error JSON with a code of the error table,
 * and a refusal changes nothing in the store but {@code _alerts}. The only input that may
 * change anything is an accepted status report (this insecure node takes unsigned reports of
 * unknown nodes, marked unverified); a join cannot pass without an operator's signature.
 */
class HttpFuzzTest {
    private static Path dir;
    private static LocalCluster cluster;

    /** What a request may not change: chains, heads, members, joined nodes, spent tokens, reports. */
    private record Snapshot(int changesets, Map<String, ?> heads, Map<String, ?> nodes, Object tokens, List<?> members,
                            Map<String, ?> status) {
        static Snapshot of(RaftNode raft) {
            ConfigStore s = raft.store();
            return new Snapshot(s.allChangesets().size(), s.heads(), s.nodes(), s.usedTokens(), raft.members(), s.status());
        }

        Snapshot withoutStatus() {
            return new Snapshot(changesets, heads, nodes, tokens, members, Map.of());
        }
    }

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("cscs-http-fuzz");
        // no rate limit and no alert merging: every input reaches the decoders and the alert path
        cluster = new LocalCluster(dir, 1, null, "changesetBytes: 65536, alertInterval: 0s, writesPerSecond: 0");
        Eventually.await("a leader", Duration.ofSeconds(30), () -> cluster.get("n1", "/readyz").status() == 200);
    }

    @AfterAll
    static void stop() throws IOException {
        cluster.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @FuzzTest(maxDuration = "60s")
    void joinAndStatus(FuzzedDataProvider data) {
        String path = data.consumeBoolean() ? "/v1/join" : "/v1/status";
        byte[] body = data.consumeRemainingAsBytes();
        RaftNode raft = cluster.daemon("n1").raft();
        Snapshot before = Snapshot.of(raft);
        LocalCluster.Response r = cluster.post("n1", path, body);
        assertThat(r.status()).as("%s answered %s", path, r.body()).isLessThan(500);
        if (r.status() / 100 == 2) {
            assertThat(path).as("only a status report may be accepted: %s", r.body()).isEqualTo("/v1/status");
            assertThat(Snapshot.of(raft).withoutStatus()).isEqualTo(before.withoutStatus());
            return;
        }
        HttpRejectionsIT.documentedError(r);
        assertThat(Snapshot.of(raft)).as("%s refused with %s", path, r.body()).isEqualTo(before);
    }
}
