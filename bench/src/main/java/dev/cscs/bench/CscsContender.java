package dev.cscs.bench;

import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Head;
import dev.cscs.dist.ProcessCluster;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Three {@code cscs server} processes started by the shipped launcher and JVM options, each
 * with its agent applying sysctl to a sandbox root. A write is a changeset signed here (Ed25519,
 * one put) and submitted over HTTP; it is acknowledged after the Raft commit and the leader's
 * verification and apply, as a client of the product sees it.
 */
final class CscsContender implements Contender {
    private static final String RENDERED_KEY = "sysctl/net.bench.rendered";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final ProcessCluster cluster;
    private final RunDir dir;
    private final Map<String, Head> heads = new ConcurrentHashMap<>();

    private CscsContender(ProcessCluster cluster, RunDir dir) {
        this.cluster = cluster;
        this.dir = dir;
    }

    /** A started cluster whose every node is ready; {@code agents} for the rendering rows. */
    static CscsContender start(Path jar, boolean agents) throws IOException {
        List<String> lanes = new ArrayList<>(List.of(SEQUENTIAL, "failover"));
        for (int w = 0; w < WRITERS; w++) {
            lanes.add(Contender.writerLane(w));
        }
        RunDir dir = RunDir.create("cscs-bench");
        ProcessCluster c = null;
        try {
            c = new ProcessCluster(dir.path(), jar, 3, 0, "", ClusterBench.UNLIMITED, agents, lanes);
            c.command(FootprintBench.launcher(jar));
            c.startAll();
            CscsContender contender = new CscsContender(c, dir);
            contender.leader();
            for (String id : c.ids()) {
                // where the agent renders: watched from the start, before the first apply creates it
                Files.createDirectories(c.root(id).resolve("etc/sysctl.d"));
            }
            return contender;
        } catch (RuntimeException | IOException e) {
            if (c != null) {
                c.close();
            }
            System.out.println("  (CSCS did not start: its directories are kept in " + dir.keep() + ")");
            throw e;
        }
    }

    @Override
    public String name() {
        return "CSCS";
    }

    @Override
    public List<String> members() {
        return cluster.ids();
    }

    @Override
    public String leader() {
        return cluster.awaitLeader();
    }

    @Override
    public void write(String member, String lane, int i) {
        ProcessCluster.Response r = submit(member, lane, i);
        if (r.status() != 201) {
            throw new IllegalStateException("CSCS write " + i + " to " + lane + " through " + member + " failed: " + r.body());
        }
    }

    @Override
    public boolean tryWrite(String member, String lane, int i, long timeoutMillis) {
        try {
            return submit(member, lane, i).status() == 201;
        } catch (RuntimeException e) {
            return false; // the node is unreachable or the request timed out: the next try decides
        }
    }

    private ProcessCluster.Response submit(String member, String lane, int i) {
        String domain = RENDERED.equals(lane) ? "global" : lane;
        String key = RENDERED.equals(lane) ? RENDERED_KEY : "sysctl/net.bench." + lane;
        Head head = heads.computeIfAbsent(domain, d -> cluster.awaitHead(member, d));
        ProcessCluster.Response r = cluster.post(member, "/v1/changesets",
                ChangesetCodec.toCompactJson(cluster.change(domain, head, key, "{\"value\":\"" + i + "\"}")));
        if (r.status() == 201) {
            heads.put(domain, new Head(r.body().path("seq").asLong(), Digest.parse(r.body().path("digest").asText())));
        } else if (r.status() == 409) {
            heads.remove(domain); // an earlier try committed after all (its answer was lost in a leader change): read the head again
        }
        return r;
    }

    @Override
    public List<Path> renderedFiles() {
        List<Path> files = new ArrayList<>();
        cluster.ids().forEach(id -> files.add(cluster.root(id).resolve("etc/sysctl.d/90-cscs.conf")));
        return files;
    }

    @Override
    public String renderedText(int i) {
        return "net.bench.rendered = " + i + "\n";
    }

    @Override
    public Map<String, List<Long>> pids() {
        Map<String, List<Long>> pids = new LinkedHashMap<>();
        cluster.ids().forEach(id -> pids.put(id, List.of(cluster.pid(id))));
        return pids;
    }

    /** The node's data dir without what the benchmark put there: the agent's sandbox root and the log. */
    @Override
    public long stateBytes(String member) throws IOException {
        Path data = cluster.root(member).getParent();
        return DiskUsage.of(data) - DiskUsage.of(data.resolve("root")) - DiskUsage.of(data.resolve("log"));
    }

    /** The mean of cscs_submit_latency_seconds: from the request read to the answer, on the node that took it. */
    @Override
    public String serverSide(String member) {
        String metrics;
        try {
            metrics = HTTP.send(HttpRequest.newBuilder(URI.create(cluster.url(member) + "/metrics")).timeout(Duration.ofSeconds(10))
                    .GET().build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "(no metrics from " + member + ": " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
        double sum = Double.NaN;
        double count = Double.NaN;
        for (String line : metrics.split("\n")) {
            if (line.startsWith("cscs_submit_latency_seconds_sum")) {
                sum = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            } else if (line.startsWith("cscs_submit_latency_seconds_count")) {
                count = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return String.format(Locale.ROOT, "%s's own submit latency (the request read to its answer), mean of %.0f: %.2f ms",
                member, count, sum / count * 1000);
    }

    @Override
    public void kill9(String member) throws InterruptedException {
        cluster.kill9(member);
    }

    @Override
    public void close() {
        cluster.close();
        dir.close();
    }

    @Override
    public Path keep() {
        return dir.keep();
    }
}
