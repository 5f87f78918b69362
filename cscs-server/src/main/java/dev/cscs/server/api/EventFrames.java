package dev.cscs.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.core.model.Digest;
import dev.cscs.store.Delivery;
import dev.cscs.store.StoredChangeset;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The bytes of each watch event, encoded once per event however many watchers receive it: the
 * recent frames are kept by revision (with the digest, so a frame never stands for another
 * changeset at the same revision after a snapshot install).
 */
final class EventFrames {
    static final byte[] KEEPALIVE = ": keepalive\n\n".getBytes(StandardCharsets.UTF_8);
    /** Enough for every watcher to find the frames of a burst still there when its turn comes. */
    static final int KEPT = 4096;

    private record Frame(Digest digest, byte[] bytes) {
    }

    private final ConcurrentHashMap<Long, Frame> byRevision = new ConcurrentHashMap<>();
    private final Queue<Long> order = new ConcurrentLinkedQueue<>();
    private final AtomicInteger kept = new AtomicInteger();
    private final LongAdder encoded = new LongAdder();
    /** The latest freshness frame: every watcher receives the same one. */
    private final AtomicReference<FreshFrame> freshness = new AtomicReference<>();

    private record FreshFrame(long revision, byte[] bytes) {
    }

    /** The {@code changeset} event of {@code s}, from the cache when another watcher already needed it. */
    byte[] event(StoredChangeset s) {
        Frame f = byRevision.compute(s.revision(), (r, old) -> {
            if (old != null && old.digest().equals(s.digest())) {
                return old;
            }
            if (old == null) {
                order.add(r);
                kept.incrementAndGet();
            }
            encoded.increment();
            return new Frame(s.digest(), frame("changeset", Json.event(s).toString(), s.revision()));
        });
        while (kept.get() > KEPT) {
            Long oldest = order.poll();
            if (oldest == null) {
                break;
            }
            byRevision.remove(oldest);
            kept.decrementAndGet();
        }
        return f.bytes();
    }

    /** A snapshot is one watcher's resync (its domains only), so it is encoded for that watcher alone. */
    static byte[] snapshot(Delivery.Snapshot snap) {
        ObjectNode o = Json.object().put("revision", snap.revision());
        ArrayNode list = o.putArray("changesets");
        snap.changesets().forEach(s -> list.add(Json.stored(s)));
        return frame("snapshot", o.toString(), snap.revision());
    }

    /**
     * The {@code freshness} event: the signed record and the revision that committed it. It has no
     * {@code id}, since the record a new watcher gets may be older than the changesets it got first.
     */
    byte[] freshness(Delivery.Fresh f) {
        FreshFrame frame = freshness.updateAndGet(old -> old != null && old.revision() == f.revision() ? old
                : new FreshFrame(f.revision(), ("event: freshness\ndata: " + Json.object().put("revision", f.revision())
                        .set("freshness", f.freshness().toJson()) + "\n\n").getBytes(StandardCharsets.UTF_8)));
        return frame.bytes();
    }

    /** How many events were encoded (not served from the cache) since start. */
    long encodedCount() {
        return encoded.sum();
    }

    /** One SSE frame. Jackson writes JSON on one line, so {@code data} needs no splitting. */
    private static byte[] frame(String event, String json, long revision) {
        return ("id: " + revision + "\nevent: " + event + "\ndata: " + json + "\n\n").getBytes(StandardCharsets.UTF_8);
    }
}
