package dev.cscs.server.api;

import dev.cscs.store.Delivery;
import dev.cscs.store.StoredChangeset;
import io.javalin.http.sse.SseClient;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open watch: a bounded queue of deliveries written to the client with non-blocking
 * servlet output. No thread waits on a client: when its socket is full, the stream stops and
 * Jetty calls {@link #onWritePossible} once it drains. A client that falls {@link #MAX_QUEUED}
 * deliveries behind is disconnected (it resumes with {@code Last-Event-ID}).
 */
final class WatchStream implements WriteListener {
    private static final Logger LOG = LoggerFactory.getLogger(WatchStream.class);
    static final int MAX_QUEUED = 10_000;
    private static final Object KEEPALIVE = new Object();

    private final SseClient client;
    private final EventFrames frames;
    private final Executor pumps;
    private final Queue<Object> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** Frames of the delivery being written; only touched while holding {@code this}. */
    private final Deque<byte[]> ready = new ArrayDeque<>();
    private ServletOutputStream out;
    private boolean unflushed;

    WatchStream(SseClient client, EventFrames frames, Executor pumps) {
        this.client = client;
        this.frames = frames;
        this.pumps = pumps;
    }

    /** Switches the response to non-blocking output; Jetty then calls {@link #onWritePossible}. */
    void start() throws IOException {
        synchronized (this) {
            out = client.ctx().res().getOutputStream();
        }
        out.setWriteListener(this);
    }

    void offer(Delivery d) {
        enqueue(d);
    }

    void keepalive() {
        enqueue(KEEPALIVE);
    }

    private void enqueue(Object item) {
        if (client.terminated()) {
            return;
        }
        if (queued.incrementAndGet() > MAX_QUEUED) {
            LOG.warn("watch client {} fell {} deliveries behind; disconnecting it (it can resume)", client.ctx().ip(), MAX_QUEUED);
            client.close();
            return;
        }
        queue.add(item);
        if (scheduled.compareAndSet(false, true)) {
            pumps.execute(() -> {
                scheduled.set(false);
                pump();
            });
        }
    }

    @Override
    public void onWritePossible() {
        pump();
    }

    @Override
    public void onError(Throwable t) {
        LOG.debug("watch client {} gone: {}", client.ctx().ip(), t.toString());
        client.close();
    }

    /** Writes while the socket takes it; returns as soon as it would block. */
    private synchronized void pump() {
        if (out == null) {
            return; // not started: onWritePossible follows setWriteListener
        }
        try {
            while (!client.terminated() && out.isReady()) {
                byte[] next = ready.pollFirst();
                if (next == null && !fill()) {
                    if (!unflushed) {
                        return;
                    }
                    unflushed = false;
                    out.flush();
                    continue;
                }
                out.write(next != null ? next : ready.pollFirst());
                unflushed = true;
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("watch client {} write failed: {}", client.ctx().ip(), e.toString());
            client.close();
        }
    }

    /** Moves queued deliveries into {@code ready} as frames until there is one; false when the queue is empty. */
    private boolean fill() {
        Object item;
        while (ready.isEmpty() && (item = queue.poll()) != null) {
            queued.decrementAndGet();
            if (item == KEEPALIVE) {
                ready.add(EventFrames.KEEPALIVE);
            } else if (item instanceof Delivery.Snapshot) {
                ready.add(EventFrames.snapshot((Delivery.Snapshot) item));
            } else if (item instanceof Delivery.Fresh f) {
                ready.add(frames.freshness(f));
            } else {
                for (StoredChangeset s : ((Delivery.Events) item).changesets()) {
                    ready.add(frames.event(s));
                }
            }
        }
        return !ready.isEmpty();
    }
}
