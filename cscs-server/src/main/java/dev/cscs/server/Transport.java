package dev.cscs.server;

import dev.cscs.core.crypto.PassphraseSource;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.tls.CertificateChecks;
import dev.cscs.core.tls.TlsMaterial;
import dev.cscs.server.config.ServerConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mutual TLS for Raft (gRPC) and the API (HTTPS), from the node's key, certificate and the
 * cluster CA. The node checks its own certificate at startup and refuses to start with a
 * precise reason, because a bad certificate would otherwise only show as "UNAVAILABLE".
 *
 * @param grpc Ratis parameters, or {@code null} in insecure mode
 * @param https the API's TLS context, or {@code null} in insecure mode
 * @param tls the node's key and certificates, or {@code null} in insecure mode
 * @param peers who may speak Raft to this node (TLS only; see RaftPeerTrust)
 */
record Transport(Parameters grpc, SSLContext https, TlsMaterial tls, RaftPeers peers) {
    /** The node ids allowed on the Raft port: the configured peers until the store knows better. */
    static final class RaftPeers implements Supplier<Set<String>> {
        private volatile Supplier<Set<String>> source;

        RaftPeers(Set<String> initial) {
            this.source = () -> initial;
        }

        void follow(Supplier<Set<String>> s) {
            source = s;
        }

        @Override
        public Set<String> get() {
            return source.get();
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(Transport.class);

    static Transport of(ServerConfig config) {
        if (config.tls() == null) {
            return new Transport(null, null, null, null);
        }
        TlsMaterial tls;
        try {
            tls = TlsMaterial.load(config.tls().ca(), config.tls().cert(), config.tls().key(), PassphraseSource.NONE);
        } catch (CscsException e) {
            throw new CscsException(ErrorCode.BAD_CONFIG, "tls: " + e.getMessage());
        }
        String host = config.raft() != null ? config.raft().advertise().host() : null;
        List<String> problems = new ArrayList<>(CertificateChecks.problems(tls, host, Instant.now()));
        String cn = tls.certificate().getSubjectX500Principal().getName();
        if (!cn.contains("CN=" + config.nodeId() + ",") && !cn.endsWith("CN=" + config.nodeId())) {
            problems.add("the node certificate is for " + cn + ", not for node " + config.nodeId());
        }
        if (!problems.isEmpty()) {
            throw new CscsException(ErrorCode.BAD_CONFIG, "tls: " + config.tls().cert() + ": " + String.join("; ", problems));
        }
        Consumer<String> explain = throttled();
        Set<String> initial = new TreeSet<>();
        initial.add(config.nodeId());
        if (config.raft() != null) {
            config.raft().peers().forEach(p -> initial.add(p.id()));
        }
        RaftPeers peers = new RaftPeers(initial);
        GrpcTlsConfig grpcTls = new GrpcTlsConfig(tls.keyManager(),
                new RaftPeerTrust((X509TrustManager) tls.trustManager(explain), peers, explain), true);
        Parameters p = new Parameters();
        GrpcConfigKeys.TLS.setConf(p, grpcTls);
        GrpcConfigKeys.Server.setTlsConf(p, grpcTls);
        GrpcConfigKeys.Client.setTlsConf(p, grpcTls);
        GrpcConfigKeys.Admin.setTlsConf(p, grpcTls);
        LOG.info("mutual TLS on: certificate {} valid until {}", cn, tls.certificate().getNotAfter().toInstant());
        return new Transport(p, tls.sslContext(explain), tls, peers);
    }

    /** Logs why a peer's certificate was refused, once a minute per reason. */
    private static Consumer<String> throttled() {
        ConcurrentHashMap<String, Long> last = new ConcurrentHashMap<>();
        return why -> {
            long now = System.nanoTime();
            Long prev = last.put(why, now);
            if (prev == null || now - prev > 60_000_000_000L) {
                LOG.warn("TLS: {}", why);
            }
        };
    }
}
