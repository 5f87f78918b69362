package dev.cscs.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Head;
import dev.cscs.core.model.Op;
import dev.cscs.core.testing.Chains;
import dev.cscs.core.testing.Eventually;
import dev.cscs.core.testing.SseCrowd;
import dev.cscs.core.trust.Signing;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watch fan-out at fleet size: every open watch on every node receives a change, each node
 * encodes it once, and the threads of the fan-out do not grow with the number of watchers.
 */
class WatchFanoutIT {
    private static final int WATCHERS = 900;
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private static void put(LocalCluster c, String key) {
        put(c, List.of(Chains.put("sysctl/net.test." + key, "{\"value\":\"1\"}")));
    }

    /** A changeset of 200 puts of 250-character values: about 100 kB as a watch event. */
    private static void putBig(LocalCluster c, int i) {
        List<Op> ops = new ArrayList<>();
        for (int k = 0; k < 200; k++) {
            ops.add(Chains.put("sysctl/net.big" + i + ".k" + k, "{\"value\":\"" + "7".repeat(250) + "\"}"));
        }
        put(c, ops);
    }

    private static void put(LocalCluster c, List<Op> ops) {
        var h = c.get("n1", "/v1/changesets/global?limit=0").body().path("head");
        Head head = new Head(h.path("seq").asLong(), Digest.parse(h.path("digest").asText()));
        var cs = Chains.signed(Signing.unsigned("global", head.seq() + 1, head.digest(), Chains.T0, ops, null), Chains.signerB());
        assertThat(c.post("n1", "/v1/changesets", ChangesetCodec.toCompactJson(cs)).status()).isEqualTo(201);
    }

    /** A watch whose client sends its request and then never reads: its socket fills up. */
    private static Socket stuckWatch(InetSocketAddress server, int i) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 3, 0, (byte) i}), 0));
        s.connect(server);
        s.getOutputStream().write(("GET /v1/watch?domains=global HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        return s;
    }

    private static Map<String, Double> encoded(LocalCluster c) {
        Map<String, Double> out = new TreeMap<>();
        c.ids().forEach(id -> out.put(id, Scrape.of(c.url(id)).value("cscs_watch_events_encoded_total").orElse(-1)));
        return out;
    }

    private static long fanoutThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("cscs-watch")).count();
    }

    @Test
    void watchersThatStopReadingHoldNoThreadAndDelayNoOtherWatcher(@TempDir Path dir) throws Exception {
        try (LocalCluster c = new LocalCluster(dir, 1, null, "alertInterval: 0s, writesPerSecond: 1000, writeBurst: 1000", false)) {
            Eventually.await("a leader", Duration.ofSeconds(30), () -> c.get("n1", "/readyz").status() == 200);
            InetSocketAddress server = new InetSocketAddress("127.0.0.1", URI.create(c.url("n1")).getPort());
            List<Socket> stuck = new ArrayList<>();
            try (SseCrowd crowd = new SseCrowd(List.of(server), "/v1/watch?domains=global", 50)) {
                for (int i = 1; i <= 8; i++) {
                    stuck.add(stuckWatch(server, i));
                }
                Eventually.await("every reading watch open", DEADLINE, () -> crowd.open() == 50);
                for (int i = 0; i < 80; i++) {
                    putBig(c, i); // about 8 MB per watcher in all: far more than a socket's buffers hold
                }
                crowd.expect("net.test.after");
                put(c, "after");
                // well inside the 60 s a blocked write would wait before Jetty gives up on the stuck ones
                assertThat(crowd.awaitSeen(Duration.ofSeconds(20))).as("reading watchers that got the last change").isEqualTo(50);
            } finally {
                for (Socket s : stuck) {
                    s.close();
                }
            }
        }
    }

    @Test
    void everyWatchOnEveryNodeGetsTheChangeEachNodeEncodesItOnceAndTheThreadsStayFew(@TempDir Path dir) throws Exception {
        try (LocalCluster c = new LocalCluster(dir, 3, null, "alertInterval: 0s", false)) {
            Eventually.await("a leader", Duration.ofSeconds(30), () -> c.get("n1", "/readyz").status() == 200);
            put(c, "warm");
            List<InetSocketAddress> servers = new ArrayList<>();
            c.ids().forEach(id -> servers.add(new InetSocketAddress("127.0.0.1", URI.create(c.url(id)).getPort())));

            // each catches up on the history, the warm-up change included
            try (SseCrowd crowd = new SseCrowd(servers, "/v1/watch?domains=global", WATCHERS, "net.test.warm")) {
                Eventually.await("every watch open", DEADLINE, () -> crowd.open() == WATCHERS);
                assertThat(crowd.awaitSeen(DEADLINE)).isEqualTo(WATCHERS);
                Map<String, Double> before = encoded(c);

                crowd.expect("net.test.fanout");
                put(c, "fanout");
                assertThat(crowd.awaitSeen(DEADLINE)).as("watchers that received the change, of " + WATCHERS).isEqualTo(WATCHERS);

                Map<String, Double> after = encoded(c);
                before.forEach((id, n) -> assertThat(after.get(id)).as("events encoded by " + id).isEqualTo(n + 1));
                // per node: 2 senders and a keepalive timer; per JVM: 4 delivery threads and the publisher
                assertThat(fanoutThreads()).as("watch threads with " + WATCHERS + " watchers").isLessThanOrEqualTo(3 * 3 + 5);
            }
        }
    }
}
