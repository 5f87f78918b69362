package dev.cscs.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Head;
import dev.cscs.core.model.Op;
import dev.cscs.core.testing.Chains;
import dev.cscs.core.testing.Eventually;
import dev.cscs.core.trust.Signing;
import dev.cscs.server.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes, each applying to its own sandbox root, and an edge agent: a policy converges
 * everywhere, drift is corrected and reported, a node that was down catches up.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentEndToEndIT {
    static final Duration DEADLINE = Duration.ofSeconds(60);
    LocalCluster cluster;
    Path dir;
    /** The edge agent's exposition, scraped while it ran (test 4), linted after (test 6); null if test 4 failed. */
    Scrape edgeScrape;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        this.dir = dir;
        cluster = new LocalCluster(dir, 3, null, "alertInterval: 0s", true);
        Eventually.await("a leader", DEADLINE, () -> cluster.get("n1", "/readyz").status() == 200);
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    private void submit(String via, String domain, Op... ops) {
        var h = cluster.get(via, "/v1/changesets/" + domain + "?limit=0").body().path("head");
        Head head = new Head(h.path("seq").asLong(), Digest.parse(h.path("digest").asText()));
        var cs = Chains.signed(Signing.unsigned(domain, head.seq() + 1, head.digest(), Chains.T0, List.of(ops), null),
                domain.equals("global") ? Chains.signerB() : Chains.signerA());
        var r = cluster.post(via, "/v1/changesets", ChangesetCodec.toCompactJson(cs));
        assertThat(r.status()).as(r.body().toString()).isEqualTo(201);
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private void converged(List<String> nodes, String file, String contains) {
        for (String n : nodes) {
            Path p = cluster.root(n).resolve(file);
            Eventually.await(n + " has " + contains + " in " + file, DEADLINE, () -> read(p).contains(contains));
        }
    }

    @Test
    @Order(1)
    void aPolicyConvergesOnEveryNode() {
        submit("n2", "factory-a", Chains.put("yum/epel", "{\"name\":\"EPEL\",\"baseurl\":\"https://mirror.example/epel/9/\","
                + "\"enabled\":true,\"gpgcheck\":true}"), Chains.put("sysctl/net.ipv4.ip_forward", "{\"value\":\"0\"}"));
        submit("n3", "global", Chains.put("service/telnet.socket", "{\"state\":\"masked\"}"),
                Chains.put("sysctl/kernel.kptr_restrict", "{\"value\":\"2\"}"));
        List<String> all = List.of("n1", "n2", "n3");
        converged(all, "etc/yum.repos.d/cscs-epel.repo", "baseurl=https://mirror.example/epel/9/");
        converged(all, "etc/sysctl.d/90-cscs.conf", "net.ipv4.ip_forward = 0");
        converged(all, "etc/sysctl.d/90-cscs.conf", "kernel.kptr_restrict = 2");
        for (String n : all) {
            Path mask = cluster.root(n).resolve("etc/systemd/system/telnet.socket");
            Eventually.await(n + " masked telnet", DEADLINE, () -> Files.isSymbolicLink(mask));
        }
        Eventually.await("every node reported its status", DEADLINE, () -> {
            JsonNode s = cluster.get("n1", "/v1/status").body();
            return s.path("nodes").size() == 3 && s.toString().contains("\"health\":\"ok\"");
        });
    }

    @Test
    @Order(2)
    void aHandEditIsCorrectedAndReportedAsDrift() throws Exception {
        Path repo = cluster.root("n2").resolve("etc/yum.repos.d/cscs-epel.repo");
        String good = Files.readString(repo);
        Files.writeString(repo, good.replace("gpgcheck=1", "gpgcheck=0"));
        cluster.daemon("n2").agent().requestReconcile();
        Eventually.await("the edit was reverted", DEADLINE, () -> read(repo).equals(good));
        Eventually.await("the drift was reported", DEADLINE, () -> cluster.get("n1", "/v1/status").body().toString()
                .contains("drift-corrected"));
        assertThat(Files.readString(cluster.root("n2").getParent().resolve("log/audit.jsonl"))).contains("drift");
        Scrape n2 = Scrape.of(cluster.url("n2"));
        assertThat(n2.value("cscs_drift_corrected_total{applier=\"yum\"}")).as(n2.text()).hasValue(1);
        assertThat(n2.value("cscs_applier_runs_total{applier=\"yum\",result=\"drift-corrected\"}")).hasValue(1);
        // each node counts only its own agent: the drift on n2 is not n1's
        assertThat(Scrape.of(cluster.url("n1")).value("cscs_drift_corrected_total{applier=\"yum\"}")).hasValue(0);
    }

    @Test
    @Order(3)
    void aNodeThatWasDownConvergesWhenItComesBack() throws Exception {
        cluster.stop("n3");
        submit("n1", "factory-a", Chains.put("sysctl/net.ipv4.ip_forward", "{\"value\":\"1\"}"));
        cluster.restart("n3");
        converged(List.of("n1", "n2", "n3"), "etc/sysctl.d/90-cscs.conf", "net.ipv4.ip_forward = 1");
    }

    @Test
    @Order(4)
    void anEdgeAgentConvergesToo() throws Exception {
        Path cfg = dir.resolve("edge.yaml");
        Files.writeString(cfg, String.join("\n",
                "node: {id: edge1, dataDir: " + dir.resolve("edge1") + ", domains: [global, factory-a]}",
                "server: {endpoints: [\"" + cluster.url("n2") + "\", \"" + cluster.url("n1") + "\"]}",
                "trust: {genesis: " + dir.resolve("genesis.json") + "}",
                "insecure: true",
                "agent: {root: " + dir.resolve("edge1/root") + ", quietPeriod: 20ms, statusInterval: 1s, appliers: [yum, sysctl, service]}",
                "log: {dir: " + dir.resolve("edge1/log") + "}",
                "metrics: {listen: 127.0.0.1:0}", ""));
        try (EdgeDaemon edge = EdgeDaemon.start(ConfigLoader.load(cfg))) {
            Path sysctl = dir.resolve("edge1/root/etc/sysctl.d/90-cscs.conf");
            Eventually.await("the edge agent applied the policy", DEADLINE, () -> read(sysctl).contains("net.ipv4.ip_forward = 1"));
            submit("n3", "global", Chains.put("sysctl/kernel.dmesg_restrict", "{\"value\":\"1\"}"));
            Eventually.await("the edge agent follows new changes", DEADLINE, () -> read(sysctl).contains("kernel.dmesg_restrict = 1"));
            Eventually.await("the edge agent reported", DEADLINE, () -> cluster.get("n1", "/v1/status").body().toString()
                    .contains("\"node\":\"edge1\""));
            assertThat(edge.agent().lastStatus()).isPresent();
            String url = "http://127.0.0.1:" + edge.metricsPort();
            Eventually.await("the edge agent's metrics show what it applied", DEADLINE, () ->
                    Scrape.of(url).value("cscs_domain_applied_seq{domain=\"global\"}").orElse(0) >= 2);
            edgeScrape = Scrape.of(url);
            assertThat(edgeScrape.value("cscs_applier_runs_total{applier=\"sysctl\",result=\"applied\"}").orElse(0))
                    .as(edgeScrape.text()).isGreaterThanOrEqualTo(1);
            assertThat(edgeScrape.value("cscs_domain_head_seq{domain=\"global\"}").orElse(0)).isGreaterThanOrEqualTo(2);
            assertThat(edgeScrape.value("cscs_drift_corrected_total{applier=\"sysctl\"}")).hasValue(0);
            assertThat(edgeScrape.text()).contains("cscs_build_info{version=").contains("jvm_memory_used_bytes")
                    .doesNotContain("cscs_raft_").doesNotContain("cscs_watchers");
            edgeScrape.save("edge");
        }
    }

    @Test
    @Order(5)
    void everyNodeExposesItsRaftViewAndBuild() throws Exception {
        for (String n : cluster.ids()) {
            Scrape s = Scrape.of(cluster.url(n));
            assertThat(s.contentType()).startsWith("text/plain; version=0.0.4");
            assertThat(s.value("cscs_raft_has_leader")).as(n + ":\n" + s.text()).hasValue(1);
            assertThat(s.value("cscs_raft_term").orElseThrow()).isGreaterThanOrEqualTo(1);
            assertThat(s.value("cscs_raft_applied_index").orElseThrow()).isLessThanOrEqualTo(s.value("cscs_raft_commit_index").orElseThrow());
            assertThat(s.value("cscs_raft_leader_changes_total").orElseThrow()).isGreaterThanOrEqualTo(1);
            assertThat(s.value("cscs_domain_head_seq{domain=\"global\"}").orElseThrow()).isGreaterThanOrEqualTo(2);
            assertThat(s.value("cscs_domain_applied_seq{domain=\"factory-a\"}")).isPresent();
            assertThat(s.text()).contains("cscs_build_info{version=").contains("cscs_watchers ").contains("cscs_status_entries_total ").contains("process_cpu_seconds_total");
            s.save("server-" + n);
        }
    }

    @Test
    @Order(6)
    void theServerAndEdgeExpositionsPassPromtool() throws Exception {
        var promtool = Promtool.get();
        Assumptions.assumeTrue(promtool.isPresent(), Promtool.MISSING);
        assertThat(edgeScrape).as("the edge agent's exposition, scraped by anEdgeAgentConvergesToo (which did not get that far)")
                .isNotNull();
        for (Scrape s : List.of(Scrape.of(cluster.url("n1")), edgeScrape)) {
            Promtool.Result r = Promtool.checkMetrics(promtool.get(), s.body());
            assertThat(r.exit()).as(r.output()).isZero();
        }
    }

    @Test
    @Order(7)
    void aRefusalIsCountedOnceByTheNodeThatAnswered() {
        var h = cluster.get("n3", "/v1/changesets/factory-a?limit=0").body().path("head");
        var stale = Chains.signed(Signing.unsigned("factory-a", h.path("seq").asLong(), Digest.parse(h.path("digest").asText()),
                Chains.T0, List.of(Chains.put("sysctl/kernel.kptr_restrict", "{\"value\":\"1\"}")), null), Chains.signerA());
        var r = cluster.post("n3", "/v1/changesets", ChangesetCodec.toCompactJson(stale));
        assertThat(r.status()).as(r.body().toString()).isBetween(400, 499);
        String code = r.body().path("error").path("code").asText();
        assertThat(code).as(r.body().toString()).isNotEmpty();
        String series = "cscs_rejections_total{code=\"" + code + "\"}";
        assertThat(Scrape.of(cluster.url("n1")).value("cscs_rejections_total{code=\"bad-signature\"}")).hasValue(0);
        double total = 0;
        for (String n : cluster.ids()) {
            total += Scrape.of(cluster.url(n)).value(series).orElse(0);
        }
        assertThat(Scrape.of(cluster.url("n3")).value(series)).as(series).hasValue(1);
        assertThat(total).as("sum over the nodes of " + series).isEqualTo(1);
    }
}
