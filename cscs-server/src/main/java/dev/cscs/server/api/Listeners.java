package dev.cscs.server.api;

import dev.cscs.store.raft.HostPort;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
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
     * Jetty's per-response output buffer (32 kB by default). Every open watch holds one while
     * its events are written, so at fleet size it is most of a watch's memory; API answers are
     * small, and a larger one is written in several pieces.
     */
    static final int OUTPUT_BUFFER_BYTES = 4096;

    private Listeners() {
    }

    static ServerConnector https(Server server, HttpConfiguration base, HostPort at, SSLContext ssl) {
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
