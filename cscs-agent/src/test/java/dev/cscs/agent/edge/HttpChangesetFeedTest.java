package dev.cscs.agent.edge;

import static dev.cscs.core.testing.Chains.put;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cscs.agent.feed.FeedItem;
import dev.cscs.agent.feed.FeedListener;
import dev.cscs.agent.feed.FeedSubscription;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Head;
import dev.cscs.core.testing.Chains;
import dev.cscs.core.testing.Eventually;
import dev.cscs.core.trust.ChainState;
import dev.cscs.core.trust.Freshness;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The watch client against a real HTTP server on loopback: framing, resume, snapshots, garbage, failover, silence. */
class HttpChangesetFeedTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    static final HttpChangesetFeed.Settings FAST = new HttpChangesetFeed.Settings(Duration.ofMillis(10),
            Duration.ofMillis(100), Duration.ofSeconds(30), 64 << 10, Duration.ofMinutes(1));
    SseServer server;
    Recorder rec = new Recorder();
    FeedSubscription subscription;
    List<FeedItem> chain;

    /** Everything a feed told its listener, in order. */
    static final class Recorder implements FeedListener {
        final List<String> log = new CopyOnWriteArrayList<>();
        final List<FeedItem> items = new CopyOnWriteArrayList<>();
        final List<String> disconnects = new CopyOnWriteArrayList<>();
        final List<Freshness> records = new CopyOnWriteArrayList<>();

        @Override
        public void onFreshness(long revision, Freshness f) {
            records.add(f);
            log.add("freshness " + revision);
        }

        @Override
        public void onChangesets(List<FeedItem> got) {
            if (got.isEmpty()) {
                log.add("connected");
            }
            items.addAll(got);
            got.forEach(i -> log.add("changeset " + i.revision()));
        }

        @Override
        public void onSnapshot(long revision, List<FeedItem> all) {
            items.addAll(all);
            log.add("snapshot " + revision + " of " + all.size());
        }

        @Override
        public void onDisconnected(String why) {
            disconnects.add(why);
        }
    }

    @BeforeEach
    void start() throws Exception {
        server = new SseServer();
        ChainState s = Chains.state();
        chain = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            Changeset cs = Chains.signed(Chains.next(s, "global", put("sysctl/kernel.sysrq", "{\"value\": \"" + i + "\"}")),
                    Chains.signerB());
            s.accept(cs);
            chain.add(new FeedItem(i, cs));
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (subscription != null) {
            subscription.close();
        }
        server.close();
    }

    void subscribe(HttpChangesetFeed.Settings settings, URI... endpoints) {
        subscription = new HttpChangesetFeed(List.of(endpoints), HttpChangesetFeed.defaultClient(), settings)
                .subscribe(List.of("global", "factory-a"), 0, rec);
    }

    @Test
    void deliversChangesetsInRevisionOrderAndIgnoresKeepalives() {
        server.then((ex, out) -> {
            out.raw(": keepalive\n\n").changeset(chain.get(0)).raw(": keepalive\r\n\r\n").changeset(chain.get(1)).hold();
        });
        subscribe(FAST, server.uri());

        Eventually.await("two changesets", WAIT, () -> rec.items.size() == 2);
        assertThat(rec.log).containsExactly("connected", "changeset 1", "changeset 2");
        assertThat(ChangesetCodec.digest(rec.items.get(1).changeset().body()))
                .isEqualTo(ChangesetCodec.digest(chain.get(1).changeset().body()));
        assertThat(server.watchQueries).containsExactly("domains=global%2Cfactory-a&fromRevision=0");
        assertThat(rec.disconnects).isEmpty();
    }

    @Test
    void aDroppedConnectionResumesFromTheLastDeliveredRevision() {
        server.then((ex, out) -> out.changeset(chain.get(0)).changeset(chain.get(1)))
                .then((ex, out) -> out.changeset(chain.get(1)).changeset(chain.get(2)).hold());
        subscribe(FAST, server.uri());

        Eventually.await("three changesets", WAIT, () -> rec.items.size() == 3);
        assertThat(rec.log).containsExactly("connected", "changeset 1", "changeset 2", "connected", "changeset 3");
        assertThat(server.watchQueries).containsExactly("domains=global%2Cfactory-a&fromRevision=0",
                "domains=global%2Cfactory-a&fromRevision=2");
        assertThat(rec.disconnects).singleElement().asString().contains("the server closed the stream");
    }

    @Test
    void aSnapshotIsDeliveredWholeAndTheNextConnectionResumesAfterIt() {
        List<FeedItem> all = new ArrayList<>();
        all.add(new FeedItem(0, Chains.genesis()));
        all.addAll(chain.subList(0, 3));
        server.then((ex, out) -> out.snapshot(7, all))
                .then((ex, out) -> out.changeset(new FeedItem(8, chain.get(3).changeset())).hold());
        subscribe(FAST, server.uri());

        Eventually.await("snapshot and one changeset", WAIT, () -> rec.log.size() == 4);
        assertThat(rec.log).containsExactly("connected", "snapshot 7 of 4", "connected", "changeset 8");
        assertThat(server.watchQueries).last().asString().endsWith("fromRevision=7");
    }

    @Test
    void garbageIsRejectedWithAClearErrorAndTheFeedReconnects() {
        server.then((ex, out) -> out.raw("event: changeset\ndata: {\"revision\": 1, \"domain\": \n\n").hold())
                .then((ex, out) -> out.changeset(chain.get(0)).hold());
        subscribe(FAST, server.uri());

        Eventually.await("the good changeset after a reconnect", WAIT, () -> rec.items.size() == 1);
        assertThat(rec.disconnects).singleElement().asString()
                .contains("refused the stream from 127.0.0.1").contains("changeset event: invalid JSON");
        assertThat(server.watchQueries).hasSize(2).allMatch(q -> q.endsWith("fromRevision=0"));
    }

    @Test
    void anOversizedEventIsRejectedBeforeItIsBufferedAndTheFeedReconnects() {
        server.then((ex, out) -> out.raw("event: changeset\ndata: \"" + "x".repeat(200_000) + "\"\n\n").hold())
                .then((ex, out) -> out.changeset(chain.get(0)).hold());
        subscribe(FAST, server.uri());

        Eventually.await("the good changeset after a reconnect", WAIT, () -> rec.items.size() == 1);
        assertThat(rec.disconnects).singleElement().asString().contains("a line of the event stream is longer than 65600 bytes");
    }

    @Test
    void anEventWhoseMetadataDisagreesWithItsChangesetIsRejected() {
        var lying = SseServer.event(chain.get(0)).put("digest", ChangesetCodec.digest(chain.get(1).changeset().body()).toString());
        server.then((ex, out) -> out.raw("event: changeset\nid: 1\ndata: " + lying + "\n\n").hold())
                .then((ex, out) -> out.changeset(chain.get(0)).hold());
        subscribe(FAST, server.uri());

        Eventually.await("the good changeset after a reconnect", WAIT, () -> rec.items.size() == 1);
        assertThat(rec.disconnects).singleElement().asString().contains("$: says digest").contains("but its changeset's digest is");
    }

    @Test
    void anHttpErrorIsReportedAndRetried() {
        server.then(SseServer.httpError(503, "{\"error\":{\"code\":\"unavailable\",\"message\":\"no leader\"}}"))
                .then((ex, out) -> out.changeset(chain.get(0)).hold());
        subscribe(FAST, server.uri());

        Eventually.await("the changeset after the retry", WAIT, () -> rec.items.size() == 1);
        assertThat(rec.disconnects).singleElement().asString().contains("HTTP 503 from 127.0.0.1").contains("no leader");
    }

    @Test
    void anUnreachableEndpointIsSkippedForTheNextOne() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0)) {
            dead = s.getLocalPort();
        }
        server.then((ex, out) -> out.changeset(chain.get(0)).hold());
        subscribe(FAST, URI.create("http://127.0.0.1:" + dead), server.uri());

        Eventually.await("the changeset from the second endpoint", WAIT, () -> rec.items.size() == 1);
        assertThat(rec.disconnects).singleElement().asString().contains("127.0.0.1:" + dead).contains("cannot reach");
    }

    @Test
    void afterAFailoverTheFeedGoesBackToTheFirstEndpointOnceItIsReadyAndResumes() throws Exception {
        try (SseServer second = new SseServer()) {
            server.then(SseServer.httpError(503, "{\"error\":{\"code\":\"unavailable\",\"message\":\"restarting\"}}"))
                    .then((ex, out) -> out.changeset(chain.get(1)).hold());
            second.then((ex, out) -> out.raw(": keepalive\n\n").changeset(chain.get(0)).hold());
            subscribe(new HttpChangesetFeed.Settings(Duration.ofMillis(10), Duration.ofMillis(100), Duration.ofSeconds(30),
                    64 << 10, Duration.ofMillis(100)), server.uri(), second.uri());

            Eventually.await("the change the first endpoint holds, once back on it", WAIT, () -> rec.items.size() == 2);
            assertThat(rec.items).extracting(FeedItem::revision).containsExactly(1L, 2L);
            assertThat(server.watchQueries).hasSize(2).last().asString().endsWith("fromRevision=1");
            assertThat(server.readyChecks).as("/readyz asked before moving back").isPositive();
            assertThat(rec.disconnects).as("moving back is not a disconnect").singleElement().asString().contains("HTTP 503");
        }
    }

    @Test
    void aFreshnessRecordIsDeliveredInItsPlaceAmongTheChangesets() {
        Freshness f = Freshness.sign(Chains.root(), "n1", Chains.T0, Map.of("global", new Head(1,
                ChangesetCodec.digest(chain.get(0).changeset().body()))));
        server.then((ex, out) -> out.changeset(chain.get(0)).freshness(2, f).changeset(chain.get(1)).hold());
        subscribe(FAST, server.uri());

        Eventually.await("both changesets", WAIT, () -> rec.items.size() == 2);
        assertThat(rec.log).containsExactly("connected", "changeset 1", "freshness 2", "changeset 2");
        assertThat(rec.records).singleElement().satisfies(r -> assertThat(r.signedBy(Chains.root().publicKey())).isTrue());
    }

    @Test
    void anAbandonedEndpointIsLeftAtOnceAndSkippedWhileAvoided() throws Exception {
        try (SseServer second = new SseServer()) {
            server.then((ex, out) -> out.changeset(chain.get(0)).hold());
            // then the second endpoint fails: the feed would try the first next, were it not avoided
            second.then((ex, out) -> out.changeset(chain.get(1)))
                    .then(SseServer.httpError(503, "{\"error\":{\"code\":\"unavailable\",\"message\":\"restarting\"}}"))
                    .then((ex, out) -> out.changeset(chain.get(2)).hold());
            subscribe(FAST, server.uri(), second.uri());
            Eventually.await("the first endpoint's change", WAIT, () -> rec.items.size() == 1);

            subscription.abandonSource("the source withholds changesets");
            Eventually.await("the second endpoint's changes", WAIT, () -> rec.items.size() == 3);
            assertThat(rec.items).extracting(FeedItem::revision).containsExactly(1L, 2L, 3L);
            assertThat(second.watchQueries).first().asString().endsWith("fromRevision=1");
            assertThat(server.watchQueries).as("never back on the abandoned endpoint").hasSize(1);
        }
    }

    @Test
    void aSilentConnectionIsDeadAfterTheIdleTimeoutAndTheFeedResumes() {
        var settings = new HttpChangesetFeed.Settings(Duration.ofMillis(10), Duration.ofMillis(100), Duration.ofMillis(300), 64 << 10,
                Duration.ofMinutes(1));
        server.then((ex, out) -> out.changeset(chain.get(0)).hold())
                .then((ex, out) -> out.changeset(chain.get(1)).hold());
        subscribe(settings, server.uri());

        Eventually.await("the second changeset", WAIT, () -> rec.items.size() == 2);
        assertThat(rec.disconnects.get(0)).contains("no data for").contains("the connection is dead");
        assertThat(server.watchQueries.get(1)).endsWith("fromRevision=1");
    }

    @Test
    void closingTheSubscriptionStopsReconnecting() throws Exception {
        server.then((ex, out) -> out.changeset(chain.get(0)));
        subscribe(FAST, server.uri());
        Eventually.await("a reconnect", WAIT, () -> server.watchQueries.size() >= 2);

        subscription.close();
        int after = server.watchQueries.size();
        long deadline = System.nanoTime() + Duration.ofMillis(300).toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(server.watchQueries).hasSize(after);
            Thread.onSpinWait();
        }
    }
}
