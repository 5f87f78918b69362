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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
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
        } catch (java.io.IOException e) {
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
                "log: {dir: " + dir.resolve("edge1/log") + "}", ""));
        try (EdgeDaemon edge = EdgeDaemon.start(ConfigLoader.load(cfg))) {
            Path sysctl = dir.resolve("edge1/root/etc/sysctl.d/90-cscs.conf");
            Eventually.await("the edge agent applied the policy", DEADLINE, () -> read(sysctl).contains("net.ipv4.ip_forward = 1"));
            submit("n3", "global", Chains.put("sysctl/kernel.dmesg_restrict", "{\"value\":\"1\"}"));
            Eventually.await("the edge agent follows new changes", DEADLINE, () -> read(sysctl).contains("kernel.dmesg_restrict = 1"));
            Eventually.await("the edge agent reported", DEADLINE, () -> cluster.get("n1", "/v1/status").body().toString()
                    .contains("\"node\":\"edge1\""));
            assertThat(edge.agent().lastStatus()).isPresent();
        }
    }
}
