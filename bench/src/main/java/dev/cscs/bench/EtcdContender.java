package dev.cscs.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cscs.core.testing.Eventually;
import dev.cscs.dist.LocalProcesses;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.io.IOException;
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
import java.util.concurrent.TimeUnit;

/**
 * Three etcd processes (Debian's etcd-server) on loopback, written to with jetcd (etcd's Java
 * client over gRPC), and beside each an {@link EtcdFileWatcher} JVM that renders the watched key
 * into a file. Elections are timed as CSCS's: 200-400 ms (etcd randomizes from the timeout to twice
 * it), heartbeats every 40 ms (etcd wants the timeout at least five of them).
 */
final class EtcdContender implements Contender {
    static final String ELECTION_MS = "200";
    static final String HEARTBEAT_MS = "40";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final RunDir dir;
    private final Map<String, Process> servers = new LinkedHashMap<>();
    private final Map<String, Process> watchers = new LinkedHashMap<>();
    private final Map<String, String> endpoints = new LinkedHashMap<>();
    private final Map<String, Client> clients = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private EtcdContender(RunDir dir) {
        this.dir = dir;
    }

    static String version() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("etcd", "--version").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out.lines().findFirst().orElse("etcd").replace("etcd Version: ", "etcd ");
    }

    /** A cluster with a leader; with {@code watchers}, each member's watcher is running too. */
    static EtcdContender start(boolean watchers) throws IOException {
        EtcdContender e = new EtcdContender(RunDir.create("etcd-bench"));
        try {
            e.startServers();
            e.leader();
            if (watchers) {
                for (String id : e.endpoints.keySet()) {
                    e.startWatcher(id);
                }
                for (String id : e.endpoints.keySet()) {
                    Path ready = EtcdFileWatcher.ready(e.renderedFile(id));
                    Eventually.await("the etcd watcher of " + id + " watching", Duration.ofSeconds(30), () -> {
                        if (!e.watchers.get(id).isAlive()) {
                            throw new IllegalStateException("the etcd watcher of " + id + " exited: see " + e.dir.path());
                        }
                        return Files.exists(ready);
                    });
                }
            }
            return e;
        } catch (RuntimeException | IOException ex) {
            System.out.println("  (etcd did not start: its directories are kept in " + e.keep() + ")");
            e.close();
            throw ex;
        }
    }

    private void startServers() throws IOException {
        List<String> initial = new ArrayList<>();
        Map<String, Integer> peerPorts = new LinkedHashMap<>();
        for (int i = 1; i <= 3; i++) {
            peerPorts.put("e" + i, LocalProcesses.freePort());
            endpoints.put("e" + i, "http://127.0.0.1:" + LocalProcesses.freePort());
            initial.add("e" + i + "=http://127.0.0.1:" + peerPorts.get("e" + i));
        }
        for (String id : endpoints.keySet()) {
            String peer = "http://127.0.0.1:" + peerPorts.get(id);
            servers.put(id, new ProcessBuilder("etcd", "--name", id, "--data-dir", dir.path().resolve(id).toString(),
                    "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                    "--listen-client-urls", endpoints.get(id), "--advertise-client-urls", endpoints.get(id),
                    "--initial-cluster", String.join(",", initial), "--initial-cluster-state", "new",
                    "--election-timeout", ELECTION_MS, "--heartbeat-interval", HEARTBEAT_MS, "--log-level", "error")
                    .redirectErrorStream(true).redirectOutput(dir.path().resolve(id + ".out").toFile()).start());
            clients.put(id, Client.builder().endpoints(endpoints.get(id)).build());
        }
    }

    private Path renderedFile(String id) {
        return dir.path().resolve(id + "-rendered").resolve("rendered.conf");
    }

    private void startWatcher(String id) throws IOException {
        Path file = renderedFile(id);
        Files.createDirectories(file.getParent());
        watchers.put(id, new ProcessBuilder("java", "-XX:+UseSerialGC", "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                EtcdFileWatcher.class.getName(), endpoints.get(id), key(RENDERED), file.toString())
                .redirectErrorStream(true).redirectOutput(dir.path().resolve(id + "-watcher.out").toFile()).start());
    }

    @Override
    public String name() {
        return "etcd";
    }

    @Override
    public List<String> members() {
        return new ArrayList<>(endpoints.keySet());
    }

    @Override
    public String leader() {
        return Eventually.get("an etcd leader", Duration.ofSeconds(30), () -> {
            for (String id : servers.keySet()) {
                if (isLeader(id)) {
                    return id;
                }
            }
            return null;
        });
    }

    /** Asked over etcd's JSON gateway: the status names the leader and the member answering. */
    private boolean isLeader(String id) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(endpoints.get(id) + "/v3/maintenance/status"))
                    .timeout(Duration.ofSeconds(2)).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode s = JSON.readTree(r.body());
            String leader = s.path("leader").asText();
            return !leader.isEmpty() && leader.equals(s.path("header").path("member_id").asText());
        } catch (IOException e) {
            return false; // not up yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void write(String member, String lane, int i) {
        if (!tryWrite(member, lane, i, 10_000)) {
            throw new IllegalStateException("etcd write " + i + " to " + lane + " through " + member + " failed");
        }
    }

    @Override
    public boolean tryWrite(String member, String lane, int i, long timeoutMillis) {
        try {
            clients.get(member).getKVClient().put(bytes(key(lane)), bytes(value(i))).get(timeoutMillis, TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            return false; // timed out or refused (a proposal lost with the leader): the next try decides
        }
    }

    /** The same value bytes as CSCS's put carries. */
    static String value(int i) {
        return "{\"value\":\"" + i + "\"}";
    }

    private static String key(String lane) {
        return "/bench/" + lane;
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    @Override
    public List<Path> renderedFiles() {
        List<Path> files = new ArrayList<>();
        endpoints.keySet().forEach(id -> files.add(renderedFile(id)));
        return files;
    }

    @Override
    public String renderedText(int i) {
        return EtcdFileWatcher.render(value(i));
    }

    @Override
    public Map<String, List<Long>> pids() {
        Map<String, List<Long>> pids = new LinkedHashMap<>();
        for (String id : servers.keySet()) {
            List<Long> p = new ArrayList<>(List.of(servers.get(id).pid()));
            if (watchers.containsKey(id)) {
                p.add(watchers.get(id).pid());
            }
            pids.put(id, p);
        }
        return pids;
    }

    @Override
    public long stateBytes(String member) throws IOException {
        return DiskUsage.of(dir.path().resolve(member));
    }

    @Override
    public void kill9(String member) throws InterruptedException {
        Process p = servers.remove(member);
        p.destroyForcibly();
        p.waitFor();
    }

    @Override
    public void close() {
        clients.values().forEach(Client::close);
        List<Process> all = new ArrayList<>(watchers.values());
        all.addAll(servers.values());
        LocalProcesses.stopAll(all, 5);
        dir.close();
    }

    @Override
    public Path keep() {
        return dir.keep();
    }
}
