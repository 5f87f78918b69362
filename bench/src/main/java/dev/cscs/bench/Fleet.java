package dev.cscs.bench;

import dev.cscs.core.crypto.KeyFiles;
import dev.cscs.core.crypto.KeyGen;
import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.dist.LocalProcesses;
import dev.cscs.dist.ProcessCluster;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * N real edge agents in a few JVMs against a {@link ProcessCluster}. Each agent is provisioned
 * as a device would be: its own key (made here, written where the daemon keeps it), an
 * operator-signed join token for role agent naming that key, the trust anchor, its own sandbox
 * root and data dir, and the cluster's endpoints rotated so that agent i starts on server
 * i mod 3. Each holds its own HTTP client, hence its own connection.
 */
final class Fleet implements AutoCloseable {
    /** Every agent applies yum/fleet to this file of its root: the yum applier writes files and runs no tool. */
    static final String FILE = "etc/yum.repos.d/cscs-fleet.repo";
    static final String KEY = "yum/fleet";
    /**
     * Agents each JVM starts at once. Each start is a linearizable read (the genesis) and a Raft
     * write (the join): 8 per JVM, 32 in all, lost the leader of a cluster on a loaded 2-core machine.
     */
    static final int STARTS_PER_JVM = Integer.getInteger("fleet.startsPerJvm", 4);

    record Agent(String id, String home, Path dir) {
        Path file() {
            return dir.resolve("root").resolve(FILE);
        }
    }

    private final ProcessCluster cluster;
    private final Path dir;
    private final List<Agent> agents = new ArrayList<>();
    private final List<Process> jvms = new ArrayList<>();
    private final Map<String, String> outcome = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<String> first;
    private final String agentSettings;

    Fleet(ProcessCluster cluster, Path dir, int n) throws IOException {
        this(cluster, dir, n, List.of(), "");
    }

    /**
     * As above, with {@code first} before the cluster's servers in every agent's endpoints (a proxy
     * in front of a server) and {@code agentSettings} in each agent section (", maxStaleness: 8s").
     */
    Fleet(ProcessCluster cluster, Path dir, int n, List<String> first, String agentSettings) throws IOException {
        this.cluster = cluster;
        this.dir = dir;
        this.first = List.copyOf(first);
        this.agentSettings = agentSettings;
        List<String> servers = cluster.ids();
        for (int i = 0; i < n; i++) {
            String id = String.format("a%04d", i + 1);
            List<String> order = new ArrayList<>();
            for (int s = 0; s < servers.size(); s++) {
                order.add(servers.get((i + s) % servers.size()));
            }
            Agent a = new Agent(id, order.get(0), dir.resolve(id));
            provision(a, order);
            agents.add(a);
        }
    }

    private void provision(Agent a, List<String> order) throws IOException {
        Path data = Files.createDirectories(a.dir.resolve("data"));
        Files.createDirectories(a.file().getParent());
        PrivateKeyRef key = KeyGen.generate("ecdsa-p256");
        // where the daemon keeps its identity in insecure mode (NodeIdentity): the key the token names
        KeyFiles.writePrivate(data.resolve("node-identity.key"), key, null);
        Files.writeString(a.dir.resolve("join.token"),
                cluster.joinToken(a.id, "agent", List.of("global"), key.publicKey()).toJson().toString() + "\n");
        List<String> urls = new ArrayList<>();
        first.forEach(u -> urls.add('"' + u + '"'));
        order.forEach(s -> urls.add('"' + cluster.url(s) + '"'));
        Files.writeString(a.dir.resolve("cscsd.yaml"), String.join("\n",
                "node: {id: " + a.id + ", dataDir: " + data + ", domains: [global]}",
                "server: {endpoints: [" + String.join(", ", urls) + "], token: " + a.dir.resolve("join.token") + "}",
                "trust: {anchor: " + cluster.anchor() + "}",
                "insecure: true",
                // the shipped quiet period (50 ms) and intervals: what a device would run with
                "agent: {root: " + a.dir.resolve("root") + ", appliers: [yum]" + agentSettings + "}",
                "log: {dir: " + a.dir.resolve("log") + "}", ""));
    }

    List<Agent> agents() {
        return agents;
    }

    /**
     * Starts the agents in JVMs of {@code perJvm} each and waits until every agent is up or
     * failed, as long as agents keep coming up: {@code stall} without one more ends the wait,
     * and so does {@code cap}.
     */
    void launch(int perJvm, String heap, Duration stall, Duration cap) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        String cp = System.getProperty("java.class.path");
        for (int from = 0, k = 1; from < agents.size(); from += perJvm, k++) {
            Path list = dir.resolve("jvm-" + k + ".list");
            List<String> lines = new ArrayList<>();
            agents.subList(from, Math.min(agents.size(), from + perJvm)).forEach(a -> lines.add(a.dir.resolve("cscsd.yaml").toString()));
            Files.write(list, lines);
            // each agent holds a socket, an epoll set and files: more than the common soft limit of 1024 per JVM
            ProcessBuilder pb = new ProcessBuilder("bash", "-c", "ulimit -n 65536 2>/dev/null || ulimit -n \"$(ulimit -Hn)\"; "
                    + "exec \"$0\" \"$@\"", java.toString(), "-Xmx" + heap, "-Xss512k", "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1", "-cp", cp, FleetAgents.class.getName(), list.toString(),
                    dir.resolve("logs").toString(), "agents-" + k, Integer.toString(STARTS_PER_JVM));
            pb.redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("jvm-" + k + ".err").toFile()));
            Process p = pb.start();
            jvms.add(p);
            Thread reader = new Thread(() -> read(p), "fleet-jvm-" + k);
            reader.setDaemon(true);
            reader.start();
        }
        long end = System.nanoTime() + cap.toNanos();
        long lastProgress = System.nanoTime();
        int seen = 0;
        while (outcome.size() < agents.size() && System.nanoTime() < end && System.nanoTime() - lastProgress < stall.toNanos()
                && jvms.stream().anyMatch(Process::isAlive)) {
            Thread.sleep(100);
            if (outcome.size() > seen) {
                seen = outcome.size();
                lastProgress = System.nanoTime();
            }
        }
    }

    /** The agents that are not up now, with why: failed (the last error), or no word from them yet. */
    Map<String, String> notUp() {
        Map<String, String> down = new LinkedHashMap<>();
        for (Agent a : agents) {
            String o = outcome.getOrDefault(a.id, "never reported up (its JVM: " + dir.resolve("logs") + ")");
            if (!o.equals("up")) {
                down.put(a.id, o);
            }
        }
        return down;
    }

    private void read(Process p) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                String[] f = line.split(" ", 3);
                if (f[0].equals("up") && f.length > 1) {
                    outcome.put(f[1], "up");
                } else if (f[0].equals("failed") && f.length > 1) {
                    outcome.put(f[1], f.length > 2 ? f[2] : "failed");
                }
            }
        } catch (IOException e) {
            // the JVM died: its agents stay without an outcome, which says so
        }
    }

    List<Long> jvmPids() {
        List<Long> pids = new ArrayList<>();
        jvms.forEach(p -> pids.add(p.pid()));
        return pids;
    }

    /** Open watch streams on server {@code id} (its {@code cscs_watchers} gauge), -1 when it does not answer. */
    int watchers(String id) {
        return (int) metric(id, "cscs_watchers");
    }

    /** The value of an unlabelled metric of server {@code id}, -1 when it does not answer or has none. */
    double metric(String id, String name) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(cluster.url(id) + "/metrics"))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            for (String line : r.body().split("\n")) {
                if (line.startsWith(name + " ")) {
                    return Double.parseDouble(line.substring(name.length() + 1).strip());
                }
            }
            return -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Closing stdin tells each JVM to exit; SIGTERM, then SIGKILL, for any that does not. */
    @Override
    public void close() {
        for (Process p : jvms) {
            try {
                p.getOutputStream().close();
            } catch (IOException e) {
                // it is gone already
            }
        }
        LocalProcesses.stopAll(jvms, 10);
    }
}
