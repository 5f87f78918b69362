package dev.cscs.chaos;

import dev.cscs.core.crypto.KeyGen;
import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.trust.PolicyBuilder;
import dev.cscs.core.trust.Signing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The run's directory and the processes it defines: a genesis that authorizes the writers' key
 * for the chaos domains, five servers (n1..n3 voters, n4, n5 replicas) and two edge agents, each
 * with its own uid, data dir, log dir and sandbox root, owned by that uid.
 */
final class World {
    static final List<String> DOMAINS = List.of("d1", "d2", "d3");
    static final List<String> KEYS = List.of("yum/r1", "yum/r2", "yum/r3");
    private static final int SERVERS = 5;
    private static final int VOTERS = 3;
    private static final int FIRST_UID = 6001;

    final PrivateKeyRef root = KeyGen.generate("ed25519");
    final PrivateKeyRef writer = KeyGen.generate("ed25519");
    final Changeset genesis;
    final List<Server> servers = new ArrayList<>();
    final List<EdgeAgent> agents = new ArrayList<>();

    World(Path dir, Path jar) throws IOException {
        PolicyBuilder policy = new PolicyBuilder().roots(1, List.of(root.publicKey())).operators(1, List.of(root.publicKey()));
        DOMAINS.forEach(d -> policy.domain(d, 1, List.of(writer.publicKey()), null));
        genesis = Signing.genesis(policy.build(), Instant.now(), List.of(root), "chaos run");
        Path genesisFile = dir.resolve("genesis.json");
        Files.write(genesisFile, ChangesetCodec.toPrettyJson(genesis));
        List<String> peers = new ArrayList<>();
        for (int i = 1; i <= VOTERS; i++) {
            peers.add("n" + i + "@" + address(i) + ":7401");
        }
        for (int i = 1; i <= SERVERS; i++) {
            String id = "n" + i;
            Path d = dir.resolve(id);
            Files.createDirectories(d.resolve("log"));
            Files.createDirectories(d.resolve("root"));
            String a = address(i);
            Path cfg = dir.resolve(id + ".yaml");
            Files.writeString(cfg, String.join("\n",
                    "node: {id: " + id + ", dataDir: " + d.resolve("data") + ", domains: [" + String.join(", ", DOMAINS) + "]}",
                    "raft: {listen: " + a + ":7401, role: " + (i <= VOTERS ? "voter" : "replica") + ", peers: ["
                            + String.join(", ", peers) + "], snapshotEvery: 40}",
                    "api: {listen: " + a + ":7400}",
                    "trust: {genesis: " + genesisFile + "}",
                    "insecure: true",
                    agentSection(d, "3s"),
                    "log: {dir: " + d.resolve("log") + "}",
                    "limits: {writesPerSecond: 0}", ""));
            Proc p = new Proc(id, "server", FIRST_UID + i - 1, jar, cfg, d, dir.resolve(id + ".out"));
            servers.add(new Server(id, a, i <= VOTERS, d, p));
            chown(d, p.uid);
        }
        List<String> endpoints = servers.stream().map(Server::api).toList();
        List<List<String>> subscriptions = List.of(List.of("d1", "d2"), List.of("d2", "d3"));
        for (int i = 1; i <= subscriptions.size(); i++) {
            String id = "a" + i;
            Path d = dir.resolve(id);
            Files.createDirectories(d.resolve("log"));
            Files.createDirectories(d.resolve("root"));
            Path cfg = dir.resolve(id + ".yaml");
            Files.writeString(cfg, String.join("\n",
                    "node: {id: " + id + ", dataDir: " + d.resolve("data") + ", domains: ["
                            + String.join(", ", subscriptions.get(i - 1)) + "]}",
                    "server: {endpoints: [" + String.join(", ", endpoints) + "]}",
                    "trust: {genesis: " + genesisFile + "}",
                    "insecure: true",
                    agentSection(d, "3s"),
                    "log: {dir: " + d.resolve("log") + "}", ""));
            Proc p = new Proc(id, "agent", FIRST_UID + 10 + i - 1, jar, cfg, d, dir.resolve(id + ".out"));
            agents.add(new EdgeAgent(id, subscriptions.get(i - 1), d, p));
            chown(d, p.uid);
        }
    }

    private static String agentSection(Path d, String interval) {
        return "agent: {root: " + d.resolve("root") + ", appliers: [yum], reconcileInterval: " + interval
                + ", quietPeriod: 20ms, quietMax: 500ms}";
    }

    static String address(int i) {
        return "127.0.1." + i;
    }

    /** The servers, then the edge agents. */
    List<Node> nodes() {
        List<Node> all = new ArrayList<>(servers);
        all.addAll(agents);
        return all;
    }

    List<Proc> procs() {
        return nodes().stream().map(Node::proc).toList();
    }

    Server server(String id) {
        return servers.stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
    }

    private static void chown(Path d, int uid) throws IOException {
        try (Stream<Path> all = Files.walk(d)) {
            for (Path p : all.toList()) {
                Files.setAttribute(p, "unix:uid", uid);
                Files.setAttribute(p, "unix:gid", uid);
            }
        }
    }
}
