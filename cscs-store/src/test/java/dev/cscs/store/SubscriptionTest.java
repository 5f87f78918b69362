package dev.cscs.store;

import static dev.cscs.core.testing.Chains.put;
import static dev.cscs.core.testing.Chains.signed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Head;
import dev.cscs.core.testing.Chains;
import dev.cscs.core.testing.Eventually;
import dev.cscs.core.trust.Signing;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A watcher runs off the thread that applies: a slow or failing one never holds the store back. */
class SubscriptionTest {
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private final ConfigStore s = new ConfigStore(Chains.genesis(), ChangesetCodec.digest(Chains.genesis().body()), 10_000);

    private Outcome write(long revision, int i) {
        Head h = s.head("global");
        Changeset cs = signed(Signing.unsigned("global", h.seq() + 1, h.digest(), Chains.T0,
                List.of(put("sysctl/k" + i, "{}")), null), Chains.signerB());
        return s.apply(revision, new LogEntry.Submit("n1", "2026-11-29T16:00:00Z", cs));
    }

    @Test
    void aThrowingWatcherNeitherFailsTheApplyNorLosesLaterDeliveries() {
        List<Long> seen = new CopyOnWriteArrayList<>();
        s.subscribe(Set.of(), 0, d -> {
            if (d instanceof Delivery.Events) {
                ((Delivery.Events) d).changesets().forEach(c -> seen.add(c.revision()));
            }
            throw new IllegalStateException("watcher bug");
        });

        assertThat(write(1, 1)).isInstanceOf(Outcome.Accepted.class);
        assertThat(write(2, 2)).isInstanceOf(Outcome.Accepted.class);

        Eventually.await("both delivered", DEADLINE, () -> seen.size() == 2);
        assertThat(seen).containsExactly(1L, 2L);
    }

    @Test
    void aBlockedWatcherDoesNotBlockAppliesAndResyncsFromASnapshotOnceItFellTooFarBehind() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(1);
        List<Delivery> got = new CopyOnWriteArrayList<>();
        s.subscribe(Set.of(), 0, d -> {
            got.add(d);
            blocked.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        write(1, 0);
        assertThat(blocked.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();

        // registered after the blocked one: the publisher offers each change to the blocked
        // watcher before this one, so once this one has the last change, the blocked one's
        // queue has overflowed (publishing runs off the apply thread, so the writes alone prove nothing)
        AtomicLong probe = new AtomicLong();
        s.subscribe(Set.of(), 1, d -> probe.set(lastRevision(List.of(d))));
        int n = Subscription.MAX_PENDING + 5;
        for (int i = 1; i <= n; i++) {
            assertThat(write(1 + i, i)).isInstanceOf(Outcome.Accepted.class); // the apply thread never waits
        }
        long last = 1 + n;
        Eventually.await("every change offered to the blocked watcher", DEADLINE, () -> probe.get() == last);
        release.countDown();

        Eventually.await("caught up to " + last, DEADLINE, () -> lastRevision(got) == last);
        assertThat(got.get(0)).isInstanceOf(Delivery.Events.class);
        assertThat(got.get(1)).isInstanceOfSatisfying(Delivery.Snapshot.class,
                snap -> assertThat(snap.changesets()).extracting(StoredChangeset::revision).contains(2L, 3L));
        assertThat(got).hasSizeLessThan(n); // the dropped queue was not replayed one by one
    }

    private static long deliveryThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("cscs-watch-delivery")).count();
    }

    @Test
    void thousandsOfWatchersAllReceiveAChangeOnAFewSharedThreads() {
        int watchers = 2000;
        AtomicInteger received = new AtomicInteger();
        for (int i = 0; i < watchers; i++) {
            s.subscribe(Set.of("global"), 0, d -> {
                if (d instanceof Delivery.Events && ((Delivery.Events) d).changesets().stream().anyMatch(c -> c.revision() == 1)) {
                    received.incrementAndGet();
                }
            });
        }

        assertThat(write(1, 1)).isInstanceOf(Outcome.Accepted.class);

        Eventually.await("all " + watchers + " watchers received revision 1", DEADLINE, () -> received.get() == watchers);
        assertThat(deliveryThreads()).isLessThanOrEqualTo(Subscription.DELIVERY_THREADS);
    }

    @Test
    void aWatcherThatBlocksHoldsOneDeliveryThreadAndTheOthersStillReceiveEveryChange() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        s.subscribe(Set.of(), 0, d -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        AtomicInteger received = new AtomicInteger();
        for (int i = 0; i < 100; i++) {
            s.subscribe(Set.of(), 0, d -> received.addAndGet(((Delivery.Events) d).changesets().size()));
        }
        try {
            for (int r = 1; r <= 5; r++) {
                write(r, r);
            }
            Eventually.await("100 watchers got 5 changes each", DEADLINE, () -> received.get() == 500);
        } finally {
            release.countDown();
        }
    }

    private static long lastRevision(List<Delivery> got) {
        if (got.isEmpty()) {
            return -1;
        }
        Delivery d = got.get(got.size() - 1);
        if (d instanceof Delivery.Snapshot) {
            return ((Delivery.Snapshot) d).revision();
        }
        List<StoredChangeset> cs = ((Delivery.Events) d).changesets();
        return cs.get(cs.size() - 1).revision();
    }
}
