package dev.cscs.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Many plain HTTP watch clients on one thread (NIO), each from its own loopback source address,
 * as a fleet of devices would be: for tests and benchmarks of the watch fan-out. It records, per
 * watcher, when a line holding the awaited marker arrived.
 */
public final class SseCrowd implements AutoCloseable {
    private final Selector selector;
    private final List<Watcher> watchers = new ArrayList<>();
    private final Thread reader;
    private final AtomicInteger open = new AtomicInteger();
    private volatile String marker;
    private volatile boolean closed;

    private final class Watcher {
        final SocketChannel channel;
        final ByteBuffer line = ByteBuffer.allocate(32 * 1024); // a longer line is cut there: markers sit near the start
        volatile boolean headersSeen;
        volatile long seenAt;

        Watcher(SocketChannel channel) {
            this.channel = channel;
        }

        void onLine() {
            line.flip();
            byte[] b = new byte[line.remaining()];
            line.get(b);
            line.clear();
            if (!headersSeen && b.length == 0 || !headersSeen && b.length == 1 && b[0] == '\r') {
                headersSeen = true;
                open.incrementAndGet();
            } else if (seenAt == 0 && !marker.isEmpty() && new String(b, StandardCharsets.UTF_8).contains(marker)) {
                seenAt = System.nanoTime();
            }
        }
    }

    /** Opens {@code n} watches of {@code pathAndQuery}, spread round-robin over {@code servers}. */
    public SseCrowd(List<InetSocketAddress> servers, String pathAndQuery, int n) throws IOException {
        this(servers, pathAndQuery, n, "");
    }

    /** As above, awaiting {@code marker} from the first byte on (e.g. in what a watch catches up on). */
    public SseCrowd(List<InetSocketAddress> servers, String pathAndQuery, int n, String marker) throws IOException {
        this.marker = marker;
        selector = Selector.open();
        byte[] request = ("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < n; i++) {
            SocketChannel ch = SocketChannel.open();
            // a source address of its own: per-address limits see one client per watcher, and ports never run out
            ch.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 2, (byte) (i >> 8), (byte) (i & 0xff)}), 0));
            ch.connect(servers.get(i % servers.size()));
            ch.write(ByteBuffer.wrap(request));
            ch.configureBlocking(false);
            Watcher w = new Watcher(ch);
            ch.register(selector, SelectionKey.OP_READ, w);
            watchers.add(w);
        }
        reader = new Thread(this::readLoop, "sse-crowd");
        reader.setDaemon(true);
        reader.start();
    }

    public int size() {
        return watchers.size();
    }

    /** How many watchers got their response headers (their stream is open). */
    public int open() {
        return open.get();
    }

    /** From now on, records for each watcher when a line with {@code text} arrives. */
    public void expect(String text) {
        watchers.forEach(w -> w.seenAt = 0);
        marker = text;
    }

    /** The delay from {@code sinceNanos} to the arrival of the marker, per watcher; -1 where it did not arrive. */
    public long[] delaysNanos(long sinceNanos) {
        long[] out = new long[watchers.size()];
        for (int i = 0; i < out.length; i++) {
            long at = watchers.get(i).seenAt;
            out[i] = at == 0 ? -1 : at - sinceNanos;
        }
        return out;
    }

    /** How many watchers received the marker. */
    public int seen() {
        int n = 0;
        for (Watcher w : watchers) {
            n += w.seenAt != 0 ? 1 : 0;
        }
        return n;
    }

    /** Polls until every watcher received the marker, or the deadline; returns how many did. */
    public int awaitSeen(Duration within) {
        Eventually.poll(within, () -> seen() == watchers.size());
        return seen();
    }

    private void readLoop() {
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        try {
            while (!closed) {
                selector.select(200);
                for (SelectionKey k : selector.selectedKeys()) {
                    Watcher w = (Watcher) k.attachment();
                    buf.clear();
                    int r;
                    try {
                        r = w.channel.read(buf);
                    } catch (IOException e) {
                        r = -1;
                    }
                    if (r < 0) {
                        k.cancel();
                        continue;
                    }
                    buf.flip();
                    while (buf.hasRemaining()) {
                        byte b = buf.get();
                        if (b == '\n') {
                            w.onLine();
                        } else if (w.line.hasRemaining()) {
                            w.line.put(b);
                        }
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        try {
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Watcher w : watchers) {
            w.channel.close();
        }
        selector.close();
    }
}
