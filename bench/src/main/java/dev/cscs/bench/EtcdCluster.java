package dev.cscs.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cscs.dist.LocalProcesses;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Three etcd processes (Debian's etcd-server) on loopback, spoken to over etcd's v3 JSON gateway. */
final class EtcdCluster implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final Map<String, Integer> clientPorts = new LinkedHashMap<>();
    private final Map<String, List<String>> commands = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    static boolean available() {
        try {
            return new ProcessBuilder("etcd", "--version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** Election timeout as CSCS's upper bound, heartbeat 50 ms: the same failover budget for both. */
    EtcdCluster(Path dir, int electionMs, int heartbeatMs) throws IOException {
        List<String> initial = new ArrayList<>();
        Map<String, Integer> peerPorts = new LinkedHashMap<>();
        for (int i = 1; i <= 3; i++) {
            peerPorts.put("e" + i, LocalProcesses.freePort());
            clientPorts.put("e" + i, LocalProcesses.freePort());
            initial.add("e" + i + "=http://127.0.0.1:" + peerPorts.get("e" + i));
        }
        for (String id : clientPorts.keySet()) {
            commands.put(id, List.of("etcd", "--name", id, "--data-dir", dir.resolve(id).toString(),
                    "--listen-peer-urls", "http://127.0.0.1:" + peerPorts.get(id),
                    "--initial-advertise-peer-urls", "http://127.0.0.1:" + peerPorts.get(id),
                    "--listen-client-urls", "http://127.0.0.1:" + clientPorts.get(id),
                    "--advertise-client-urls", "http://127.0.0.1:" + clientPorts.get(id),
                    "--initial-cluster", String.join(",", initial), "--initial-cluster-state", "new",
                    "--election-timeout", Integer.toString(electionMs), "--heartbeat-interval", Integer.toString(heartbeatMs),
                    "--log-level", "error"));
        }
        for (String id : clientPorts.keySet()) {
            start(id, dir);
        }
    }

    void start(String id, Path dir) throws IOException {
        processes.put(id, new ProcessBuilder(commands.get(id)).redirectErrorStream(true)
                .redirectOutput(dir.resolve(id + ".out").toFile()).start());
    }

    List<String> ids() {
        return new ArrayList<>(clientPorts.keySet());
    }

    boolean put(String id, String key, String value) {
        return put(id, key, value, Duration.ofSeconds(5));
    }

    /** A put with its own client timeout; a proposal caught in a leader change hangs until then. */
    boolean put(String id, String key, String value, Duration timeout) {
        String body = "{\"key\":\"" + b64(key) + "\",\"value\":\"" + b64(value) + "\"}";
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + clientPorts.get(id)
                    + "/v3/kv/put")).timeout(timeout).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && !r.body().contains("\"error\"");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The id of the leader, or null. */
    String leader() {
        for (String id : processes.keySet()) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + clientPorts.get(id)
                        + "/v3/maintenance/status")).timeout(Duration.ofSeconds(2)).POST(HttpRequest.BodyPublishers.ofString("{}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                JsonNode s = JSON.readTree(r.body());
                String leader = s.path("leader").asText();
                String self = s.path("header").path("member_id").asText();
                if (!leader.isEmpty() && leader.equals(self)) {
                    return id;
                }
            } catch (IOException e) {
                // not up yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    void kill9(String id) throws InterruptedException {
        Process p = processes.remove(id);
        p.destroyForcibly();
        p.waitFor();
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        processes.values().forEach(Process::destroyForcibly);
    }
}
