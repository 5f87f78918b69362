package dev.cscs.server.api;

import dev.cscs.store.raft.HostPort;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.ssl.SslHandshakeListener;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's Jetty connectors: HTTPS with required client certificates from the cluster CA,
 * and, only when configured and only on a loopback address, plain HTTP for local tools.
 * Idle connections are closed after a while, so a silent client cannot pin a thread.
 */
final class Listeners {
    static final long IDLE_TIMEOUT_MS = 60_000;
    /**
     * Jetty's per-response output buffer (32 kB by default). A response keeps it until it
     * completes, and a watch never does, so every open watch held one: at 4 kB that was 10 MB of
     * direct memory for 3,333 watches on a node (-XX:NativeMemoryTracking, "Other"), at 1 kB
     * it is 3 MB. Writes larger than a quarter of it skip it, so API answers are not copied
     * through it; an answer larger than it is sent chunked.
     */
    static final int OUTPUT_BUFFER_BYTES = 1024;
    /**
     * The most that Jetty's buffer pool keeps of each kind of buffer (heap, direct, and the same
     * again for its retainable pool) once released. Jetty's default is a quarter of the heap for
     * each: 24 MB of direct buffers under -Xmx96m, which with Netty's pool (Ratis) would pass the
     * node's -XX:MaxDirectMemorySize=32m after a burst of requests. A buffer beyond this is
     * allocated when needed and left to the collector.
     */
    static final long POOLED_BYTES = 2L << 20;
    /** Pool buckets of 1 kB: a small buffer asked for (a chunk header, a short request) takes 1 kB, not 4. */
    private static final int POOL_FACTOR = 1024;
    private static final int POOL_MAX_CAPACITY = 64 * 1024;

    private Listeners() {
    }

    static ServerConnector https(Server server, HttpConfiguration base, HostPort at, SSLContext ssl) {
        boundedPool(server);
        SslContextFactory.Server f = new SslContextFactory.Server();
        f.setSslContext(ssl);
        f.setNeedClientAuth(true);
        f.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        HttpConfiguration https = configuration(base);
        // clients dial node IPs, often without SNI; the certificate is checked by the client, not by SNI here
        https.addCustomizer(new SecureRequestCustomizer(false));
        ServerConnector c = new ServerConnector(server, new SslConnectionFactory(f, "http/1.1"), new HttpConnectionFactory(https));
        c.addBean(new HandshakeFailures());
        bind(c, at);
        return c;
    }

    static ServerConnector plain(Server server, HttpConfiguration base, HostPort at) {
        boundedPool(server);
        ServerConnector c = new ServerConnector(server, new HttpConnectionFactory(configuration(base)));
        bind(c, at);
        return c;
    }

    /**
     * Says why a client's handshake failed. The trust manager explains a wrong certificate; a
     * client that sends none is refused inside the JDK before it runs, so only this sees it.
     * Once a minute per reason, so a scanner cannot flood the log.
     */
    static final class HandshakeFailures implements SslHandshakeListener {
        private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);
        private final ConcurrentHashMap<String, Long> last = new ConcurrentHashMap<>();

        @Override
        public void handshakeFailed(Event event, Throwable failure) {
            String why = String.valueOf(failure.getMessage());
            if (last.size() > 256) {
                last.clear();
            }
            long now = System.nanoTime();
            Long prev = last.put(why, now);
            if (prev == null || now - prev > 60_000_000_000L) {
                LOG.warn("TLS: API handshake from {} refused: {}", event.getSSLEngine().getPeerHost(),
                        why.contains("Empty") || why.contains("certificate_required")
                                ? why + " (the client presented no certificate; give --cert and --key)" : why);
            }
        }
    }

    /** One bounded pool for the server's connectors: a connector built without one takes the server's. */
    private static void boundedPool(Server server) {
        if (server.getBean(ByteBufferPool.class) == null) {
            server.addBean(new ArrayByteBufferPool(0, POOL_FACTOR, POOL_MAX_CAPACITY, -1,
                    POOLED_BYTES, POOLED_BYTES, POOLED_BYTES, POOLED_BYTES));
        }
    }

    private static HttpConfiguration configuration(HttpConfiguration base) {
        HttpConfiguration c = new HttpConfiguration(base);
        c.setOutputBufferSize(OUTPUT_BUFFER_BYTES);
        return c;
    }

    private static void bind(ServerConnector c, HostPort at) {
        c.setHost(at.socketHost());
        c.setPort(at.port());
        c.setIdleTimeout(IDLE_TIMEOUT_MS);
    }
}
