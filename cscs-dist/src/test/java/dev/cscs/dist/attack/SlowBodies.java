package dev.cscs.dist.attack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Slow-body clients: each opens a connection from one of the given loopback source
 * addresses, sends the headers of a {@code POST} with a body of {@code bodyBytes}, then one
 * byte of it a second. One thread drives them all (non-blocking sockets). Bounded in number
 * and in time: after {@code lifetime} every connection is closed, whether or not the server
 * answered. Each client ends up answered (with the status of the first line), cut off by
 * the server without an answer, or still open.
 */
final class SlowBodies implements AutoCloseable {
    private final List<Client> clients = new ArrayList<>();
    private final ScheduledExecutorService driver = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "slow-bodies");
        t.setDaemon(true);
        return t;
    });
    private final long endNanos;
    private volatile boolean finished;

    private static final class Client {
        final SocketChannel channel;
        int sent;
        /** The status the server answered, 0 while none, -1 when it closed without one. */
        volatile int outcome;

        Client(SocketChannel channel) {
            this.channel = channel;
        }
    }

    SlowBodies(List<String> sources, int perSource, int port, String path, int bodyBytes, Duration lifetime) throws IOException {
        this.endNanos = System.nanoTime() + lifetime.toNanos();
        String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + bodyBytes + "\r\n\r\n";
        for (String source : sources) {
            for (int i = 0; i < perSource; i++) {
                SocketChannel ch = SocketChannel.open();
                ch.bind(new InetSocketAddress(source, 0));
                ch.connect(new InetSocketAddress("127.0.0.1", port));
                ch.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)));
                ch.configureBlocking(false);
                clients.add(new Client(ch));
            }
        }
        driver.scheduleAtFixedRate(() -> tick(bodyBytes), 0, 1, TimeUnit.SECONDS);
    }

    private void tick(int bodyBytes) {
        boolean over = System.nanoTime() - endNanos > 0;
        for (Client c : clients) {
            if (c.outcome != 0) {
                continue;
            }
            try {
                ByteBuffer in = ByteBuffer.allocate(64);
                int n = c.channel.read(in);
                if (n > 0) {
                    String line = new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII);
                    String[] parts = line.split(" ", 3);
                    c.outcome = parts.length > 1 && parts[1].matches("[0-9]{3}") ? Integer.parseInt(parts[1]) : -1;
                } else if (n < 0) {
                    c.outcome = -1;
                } else if (!over && c.sent < bodyBytes - 1) {
                    // never the last byte: a body that completed would let the request through
                    c.channel.write(ByteBuffer.wrap(new byte[] {' '}));
                    c.sent++;
                }
            } catch (IOException e) {
                c.outcome = -1;
            }
        }
        if (over) {
            finish();
        }
    }

    private void finish() {
        for (Client c : clients) {
            try {
                c.channel.close();
            } catch (IOException ignored) {
                // closing is all that is left to do
            }
        }
        finished = true;
        driver.shutdown();
    }

    /** Whether the lifetime is over and every connection closed. */
    boolean finished() {
        return finished;
    }

    /** How many clients ended how: an HTTP status, -1 for cut off without an answer, 0 for still open. */
    Map<Integer, Integer> outcomes() {
        Map<Integer, Integer> out = new TreeMap<>();
        for (Client c : clients) {
            out.merge(c.outcome, 1, Integer::sum);
        }
        return out;
    }

    @Override
    public void close() throws InterruptedException {
        driver.shutdownNow();
        driver.awaitTermination(5, TimeUnit.SECONDS);
        if (!finished) {
            finish();
        }
    }
}
