package dev.cscs.server.api;

import dev.cscs.agent.AgentMetrics;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.cert.X509Certificate;

/**
 * One process's metrics registry and its Prometheus text exposition: JVM and process figures,
 * {@code cscs_build_info}, and whatever a server ({@link Metrics}), an agent
 * ({@link AgentCounters}) or the TLS identity add. Every figure is this process's own: a
 * cluster-wide sum over the nodes counts nothing twice.
 */
public final class Exposition {
    /** The text format 0.0.4 that {@code promtool check metrics} reads. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    public Exposition() {
        JvmMetrics.builder().register(registry);
        Info build = Info.builder().name("cscs_build_info").help("The cscs version this process runs (always 1).")
                .labelNames("version").register(registry);
        build.addLabelValues(version());
    }

    PrometheusRegistry registry() {
        return registry;
    }

    /** The agent's counters and seq gauges; {@code withHeads}: the agent's view of each head (an edge agent). */
    public AgentMetrics agent(boolean withHeads) {
        return new AgentCounters(registry, withHeads);
    }

    /** Exposes when the node's own TLS certificate expires, for an alert well before it does. */
    public void certificate(X509Certificate cert) {
        Gauge expiry = Gauge.builder().name("cscs_tls_cert_expiry_timestamp_seconds")
                .help("When this node's TLS certificate expires (notAfter), in seconds since the epoch.").register(registry);
        expiry.set(cert.getNotAfter().getTime() / 1000.0);
    }

    /** The current figures in the Prometheus text format. */
    public byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16_384);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static String version() {
        String v = Exposition.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
