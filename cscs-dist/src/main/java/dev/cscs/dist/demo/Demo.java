package dev.cscs.dist.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.json.Limits;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetBody;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Head;
import dev.cscs.core.model.Op;
import dev.cscs.core.tls.TlsMaterial;
import dev.cscs.core.trust.JoinToken;
import dev.cscs.core.trust.PolicyBuilder;
import dev.cscs.core.trust.Signing;
import dev.cscs.core.trust.TrustPolicy;
import dev.cscs.server.EdgeDaemon;
import dev.cscs.server.config.ConfigLoader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The story `cscs demo` tells: keys and genesis, a 3-node cluster with mutual TLS, a security
 * policy converging on every node, a leader killed with SIGKILL, forged and replayed changes
 * refused, a signed value that the policy's guardrails forbid refused, an edge device joining with a signed token, and the fleet's status and audit.
 */
final class Demo {
    static final ObjectMapper JSON = new ObjectMapper();
    final Path dir;
    final PrintStream out;
    final List<String> command;
    final Steps steps;
    DemoPki pki;
    DemoNodes nodes;
    TlsMaterial operator;
    List<String> appliers;
    Changeset firstGlobal;

    Demo(Path dir, PrintStream out, List<String> command) {
        this.dir = dir;
        this.out = out;
        this.command = command;
        this.steps = new Steps(out, 9);
    }

    void keysAndGenesis() {
        steps.run("keys: 2 roots (threshold 2), a signer for global and one for factory-a, a cluster CA", () -> {
            pki = new DemoPki(dir);
            for (String id : List.of("n1", "n2", "n3")) {
                pki.node(id);
            }
            operator = pki.client("operator");
            return "written to " + dir.resolve("keys") + " and " + dir.resolve("ca");
        });
        steps.run("genesis: the trust policy, signed by both roots; a guardrail: global's sshd may not permit root login", () -> {
            TrustPolicy policy = new PolicyBuilder().roots(2, List.of(pki.root1.publicKey(), pki.root2.publicKey()))
                    .operators(2, List.of(pki.root1.publicKey(), pki.root2.publicKey()))
                    .domain("global", 1, List.of(pki.globalSigner.publicKey()), null)
                    .domain("factory-a", 1, List.of(pki.factorySigner.publicKey()), List.of("yum", "apt", "sysctl"))
                    .constraints("global", JSON.readTree("{\"sshd\": {\"fields\": {\"settings.PermitRootLogin\": "
                            + "{\"oneOf\": [\"no\", \"prohibit-password\"]}}}}"))
                    .build();
            Changeset genesis = Signing.genesis(policy, Instant.now(), List.of(pki.root1, pki.root2), "cscs demo");
            Files.write(dir.resolve("genesis.json"), ChangesetCodec.toPrettyJson(genesis));
            return "trust anchor " + ChangesetCodec.digest(genesis.body()).shortForm() + "…";
        });
    }

    void startCluster() {
        steps.run("3 nodes start (real processes, mutual TLS on Raft and the API, each node with its own sandbox root)", () -> {
            List<String> notes = new ArrayList<>();
            appliers = Tools.usableAppliers(Files.createDirectories(dir.resolve("probe")), notes);
            nodes = new DemoNodes(dir, command, operator.sslContext(w -> { }));
            for (String id : nodes.ids()) {
                nodes.writeConfig(id, appliers);
                if (appliers.contains("sshd")) {
                    Tools.prepareSshd(nodes.root(id));
                }
                nodes.start(id);
            }
            notes.forEach(steps::detail);
            String leader = await("a leader", 60, nodes::leader);
            return "leader " + leader;
        });
    }

    void applyPolicy() {
        steps.run("a security policy is signed and submitted to both domains", () -> {
            long t0 = System.nanoTime();
            firstGlobal = submitted("n1", "global", pki.globalSigner, "CIS-style hardening",
                    put("sysctl/net.ipv4.ip_forward", "{\"value\":\"0\"}"),
                    put("sysctl/kernel.kptr_restrict", "{\"value\":\"2\"}"),
                    put("sshd/hardening", "{\"settings\":{\"PermitRootLogin\":\"no\",\"PasswordAuthentication\":\"no\"}}"),
                    put("firewall/base", "{\"policy\":\"drop\",\"rules\":[{\"action\":\"accept\",\"proto\":\"tcp\",\"dport\":22}]}"),
                    put("service/telnet.socket", "{\"state\":\"masked\"}"));
            submit("n2", "factory-a", pki.factorySigner, "factory package sources",
                    put("yum/epel", "{\"name\":\"EPEL\",\"baseurl\":\"https://mirror.example/epel/9/\",\"enabled\":true,\"gpgcheck\":true}"),
                    put("apt/factory", "{\"types\":[\"deb\"],\"uris\":[\"https://deb.example/factory\"],\"suites\":[\"bookworm\"],"
                            + "\"components\":[\"main\"]}"),
                    put("sysctl/net.ipv4.conf.all.rp_filter", "{\"value\":\"1\"}"));
            submitted = t0;
            return "global seq 1 (5 keys), factory-a seq 1 (3 keys)";
        });
    }

    private long submitted;

    void converge() {
        steps.run("every node verifies and applies it to its own root", () -> {
            Map<String, Long> at = new LinkedHashMap<>();
            for (String id : nodes.ids()) {
                Path sysctl = nodes.root(id).resolve("etc/sysctl.d/90-cscs.conf");
                Path repo = nodes.root(id).resolve("etc/yum.repos.d/cscs-epel.repo");
                await(id + " to apply", 60, () -> read(sysctl).contains("net.ipv4.conf.all.rp_filter = 1")
                        && read(repo).contains("baseurl=") ? Boolean.TRUE : null);
                at.put(id, (System.nanoTime() - submitted) / 1_000_000);
            }
            Path r = nodes.root("n1");
            for (String f : List.of("etc/sysctl.d/90-cscs.conf", "etc/yum.repos.d/cscs-epel.repo",
                    "etc/apt/sources.list.d/cscs-factory.sources", "etc/nftables.d/cscs.nft", "etc/ssh/sshd_config.d/90-cscs.conf")) {
                if (Files.exists(r.resolve(f))) {
                    steps.detail("n1/root/" + f + " (" + Files.readAllLines(r.resolve(f)).size() + " lines)");
                }
            }
            if (Files.isSymbolicLink(r.resolve("etc/systemd/system/telnet.socket"))) {
                steps.detail("n1/root/etc/systemd/system/telnet.socket -> " + Files.readSymbolicLink(r.resolve("etc/systemd/system/telnet.socket")));
            }
            long worst = at.values().stream().mapToLong(Long::longValue).max().orElse(0);
            return String.format(Locale.ROOT, "submit to files on disk on all 3 nodes in %d ms %s", worst, at);
        });
    }

    void failover() {
        steps.run("the leader is killed with SIGKILL", () -> {
            String leader = nodes.leader();
            String survivor = nodes.ids().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
            nodes.kill9(leader);
            long t0 = System.nanoTime();
            String next = await("a new leader", 30, () -> {
                String l = nodes.leader();
                return l != null && !l.equals(leader) ? l : null;
            });
            long elected = (System.nanoTime() - t0) / 1_000_000;
            long t1 = System.nanoTime();
            submit(survivor, "global", pki.globalSigner, "after the failover", put("sysctl/kernel.dmesg_restrict", "{\"value\":\"1\"}"));
            for (String id : nodes.ids()) {
                if (!id.equals(leader)) {
                    Path f = nodes.root(id).resolve("etc/sysctl.d/90-cscs.conf");
                    await(id + " to apply", 30, () -> read(f).contains("kernel.dmesg_restrict = 1") ? Boolean.TRUE : null);
                }
            }
            long propagated = (System.nanoTime() - t1) / 1_000_000;
            nodes.start(leader);
            Path f = nodes.root(leader).resolve("etc/sysctl.d/90-cscs.conf");
            await(leader + " to catch up", 60, () -> read(f).contains("kernel.dmesg_restrict = 1") ? Boolean.TRUE : null);
            return String.format(Locale.ROOT, "%s was leader; %s took over after %d ms; the next change was on disk on the "
                    + "survivors %d ms after it was submitted; %s restarted and caught up", leader, next, elected, propagated, leader);
        });
    }

    void attacks() {
        steps.run("a forged, a replayed and a signed but forbidden changeset are refused", () -> {
            Head head = nodes.head("n1", "global");
            Changeset honest = sign(Signing.unsigned("global", head.seq() + 1, head.digest(), Instant.now(),
                    List.of(put("sysctl/net.ipv4.ip_forward", "{\"value\":\"0\"}")), "honest"), pki.globalSigner);
            ChangesetBody b = honest.body();
            Changeset forged = new Changeset(new ChangesetBody(b.domain(), b.seq(), b.prev(), b.issued(),
                    List.of(put("sysctl/net.ipv4.ip_forward", "{\"value\":\"1\"}")), b.comment()), honest.signatures());
            DemoNodes.Response f = nodes.post("n2", "/v1/changesets", ChangesetCodec.toCompactJson(forged));
            DemoNodes.Response r = nodes.post("n3", "/v1/changesets", ChangesetCodec.toCompactJson(firstGlobal));
            Changeset forbidden = sign(Signing.unsigned("global", head.seq() + 1, head.digest(), Instant.now(),
                    List.of(put("sshd/hardening", "{\"settings\":{\"PermitRootLogin\":\"yes\"}}")), "root login, please"), pki.globalSigner);
            DemoNodes.Response c = nodes.post("n1", "/v1/changesets", ChangesetCodec.toCompactJson(forbidden));
            expect(f, 403, "bad-signature");
            expect(r, 409, "wrong-seq");
            expect(c, 403, "constraint");
            steps.detail("forged (value changed after signing)       -> HTTP " + f.status() + " " + f.body().path("error").path("code").asText());
            steps.detail("replayed (global seq 1 again)              -> HTTP " + r.status() + " " + r.body().path("error").path("code").asText());
            steps.detail("PermitRootLogin yes, signed by global's key -> HTTP " + c.status() + " " + c.body().path("error").path("code").asText());
            await("the alerts", 20, () -> nodes.get("n1", "/v1/alerts").body().path("alerts").size() >= 3 ? Boolean.TRUE : null);
            for (JsonNode a : nodes.get("n1", "/v1/alerts").body().path("alerts")) {
                steps.detail("alert at revision " + a.path("revision").asLong() + ": " + a.path("code").asText() + " via "
                        + a.path("origin").asText() + ": " + a.path("message").asText());
            }
            return "nothing reached the chains; both are in _alerts";
        });
    }

    void submit(String via, String domain, PrivateKeyRef key, String comment, Op... ops) {
        submitted(via, domain, key, comment, ops);
    }

    /** Signs the next changeset of {@code domain} and submits it through {@code via}; returns it. */
    Changeset submitted(String via, String domain, PrivateKeyRef key, String comment, Op... ops) {
        Head head = nodes.head(via, domain);
        Changeset cs = sign(Signing.unsigned(domain, head.seq() + 1, head.digest(), Instant.now(), List.of(ops), comment), key);
        DemoNodes.Response r = nodes.post(via, "/v1/changesets", ChangesetCodec.toCompactJson(cs));
        expect(r, 201, null);
        return cs;
    }

    void edge() {
        steps.run("an edge device joins with an admin-signed token (no Raft) and converges", () -> {
            TlsMaterial tls = pki.client("edge1");
            JoinToken token = JoinToken.issue("edge1", "agent", List.of("global", "factory-a"),
                    tls.key().publicKey(), Instant.now(), Duration.ofHours(1), List.of(pki.root1, pki.root2));
            Path edgeDir = Files.createDirectories(dir.resolve("edge1"));
            Files.writeString(edgeDir.resolve("join.token"), token.toJson().toString() + "\n");
            StringBuilder servers = new StringBuilder();
            for (String id : nodes.ids()) {
                servers.append(servers.length() == 0 ? "" : ", ").append('"').append(nodes.url(id)).append('"');
            }
            List<String> edgeAppliers = new ArrayList<>(appliers);
            edgeAppliers.remove("firewall");
            if (edgeAppliers.contains("sshd")) {
                Tools.prepareSshd(edgeDir.resolve("root"));
            }
            Files.writeString(edgeDir.resolve("cscsd.yaml"), String.join("\n",
                    "node: {id: edge1, dataDir: " + edgeDir.resolve("data") + ", domains: [global, factory-a]}",
                    "server: {endpoints: [" + servers + "], token: " + edgeDir.resolve("join.token") + "}",
                    "trust: {anchor: " + ChangesetCodec.digest(ChangesetCodec.parse(Files.readAllBytes(dir.resolve("genesis.json")),
                            Limits.DEFAULT).body()) + "}",
                    "tls: {ca: " + dir.resolve("ca/ca.pem") + ", cert: " + dir.resolve("pki/edge1.pem") + ", key: "
                            + dir.resolve("pki/edge1.key") + "}",
                    "agent: {root: " + edgeDir.resolve("root") + ", quietPeriod: 20ms, statusInterval: 2s, appliers: " + edgeAppliers + "}",
                    "log: {dir: " + edgeDir.resolve("log") + "}", ""));
            long t0 = System.nanoTime();
            edgeAgent = EdgeDaemon.start(ConfigLoader.load(edgeDir.resolve("cscsd.yaml")));
            Path f = edgeDir.resolve("root/etc/sysctl.d/90-cscs.conf");
            await("edge1 to apply", 60, () -> read(f).contains("kernel.dmesg_restrict = 1") ? Boolean.TRUE : null);
            long converged = (System.nanoTime() - t0) / 1_000_000;
            await("edge1's signed status", 30, () -> nodes.get("n1", "/v1/status").body().toString().contains("\"node\":\"edge1\"")
                    ? Boolean.TRUE : null);
            return "edge1 registered its key, verified every chain itself and applied the policy " + converged + " ms after starting";
        });
    }

    EdgeDaemon edgeAgent;

    void statusAndAudit(Function<String[], String> cli) {
        steps.run("the fleet: `cscs status` and `cscs audit --genesis`", () -> {
            String tls = "--cacert " + dir.resolve("ca/ca.pem") + " --cert " + dir.resolve("pki/operator.pem") + " --key "
                    + dir.resolve("pki/operator.key");
            await("a report from every node", 30, () -> nodes.get("n1", "/v1/status").body().path("nodes").size() >= 4 ? Boolean.TRUE : null);
            for (String args : List.of("status", "audit --genesis " + dir.resolve("genesis.json"))) {
                steps.detail(("$ cscs " + args + " --endpoint " + nodes.url("n1") + " " + tls).replace(dir.toString(), "$DEMO"));
                for (String line : cli.apply((args + " --endpoint " + nodes.url("n1") + " " + tls).split(" ")).split("\n")) {
                    steps.detail(line);
                }
            }
            return "every chain verified here, from the genesis";
        });
    }

    static Changeset sign(Changeset cs, PrivateKeyRef key) {
        return Signing.sign(cs, key, null);
    }

    static Op put(String key, String json) {
        try {
            return new Op.Put(key, JSON.readTree(json));
        } catch (IOException e) {
            throw new IllegalArgumentException(json, e);
        }
    }

    static void expect(DemoNodes.Response r, int status, String code) {
        if (r.status() != status || (code != null && !code.equals(r.body().path("error").path("code").asText()))) {
            throw new IllegalStateException("expected HTTP " + status + (code == null ? "" : " " + code) + ", got " + r.status()
                    + " " + r.body());
        }
    }

    static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return "";
        }
    }

    static <T> T await(String what, int seconds, Supplier<T> value) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            try {
                T v = value.get();
                if (v != null) {
                    return v;
                }
            } catch (RuntimeException e) {
                // not there yet
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("no " + what + " within " + seconds + " s");
    }
}
