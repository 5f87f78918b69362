package dev.cscs.dist.attack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.cli.CliRun;
import dev.cscs.core.crypto.KeyFiles;
import dev.cscs.core.crypto.KeyGen;
import dev.cscs.core.crypto.PassphraseSource;
import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.error.ExitCode;
import dev.cscs.core.model.Labels;
import dev.cscs.core.testing.Eventually;
import dev.cscs.dist.LocalProcesses;
import dev.cscs.dist.Main;
import dev.cscs.dist.ProcessCluster;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that freezes, withholds from or replays to its devices (issue #14, part 3), with real
 * processes: three {@code java -jar} voters signing a freshness record every second with keys
 * registered by {@code cscs member key}, and an edge agent whose first endpoint is a
 * {@link WithholdingProxy} in front of n1. Whatever the proxy does to the watch stream, the device
 * finds out (stale, or withheld), alerts, moves to another server and gets the change it was
 * denied; it never applies anything the cluster did not sign.
 */
class FreshnessAttacksIT {
    private static final String FILE = "etc/sysctl.d/90-cscs.conf";
    private static final String AGENT = ", maxStaleness: 6s, reconcileInterval: 1s, statusInterval: 1s";
    @TempDir
    Path dir;
    ProcessCluster c;
    WithholdingProxy proxy;
    Process edge;
    Path token;
    int value;

    @BeforeEach
    void cluster() throws Exception {
        c = new ProcessCluster(dir, Path.of("target/cscs.jar"), 3, 0, ", freshnessInterval: 1s", "", false);
        c.startAll();
        c.awaitLeader();
        Path ops = c.writeRootKey(dir.resolve("root.key"));
        for (String id : c.ids()) {
            // the key each node signs with, read off the node itself, as an operator would
            Path pub = dir.resolve(id + ".pub");
            KeyFiles.writePublic(pub, KeyFiles.readPrivate(dir.resolve(id).resolve("node-identity.key"), PassphraseSource.NONE)
                    .publicKey());
            // a cluster that just elected its leader may not answer a linearizable read yet (exit 5): try again
            CliRun r = Eventually.get("member key " + id, ProcessCluster.DEADLINE, () -> {
                CliRun run = CliRun.at(c.url("n1"), Main::commandLine, "member", "key", id, "--from", pub.toString(),
                        "--sign-with", ops.toString());
                return run.exit() == ExitCode.UNAVAILABLE.code() ? null : run;
            });
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.err()).contains("signs freshness records when it leads");
        }
        proxy = new WithholdingProxy(URI.create(c.url("n1")));
        PrivateKeyRef key = KeyGen.generate("ecdsa-p256");
        Files.createDirectories(dir.resolve("edge1"));
        KeyFiles.writePrivate(dir.resolve("edge1").resolve("node-identity.key"), key, null);
        token = Files.writeString(dir.resolve("edge1.token"), c.joinToken("edge1", "agent", List.of("global"), Labels.NONE,
                key.publicKey()).toJson().toString());
    }

    @AfterEach
    void stop() {
        if (edge != null) {
            LocalProcesses.stopAll(List.of(edge), 10);
        }
        if (proxy != null) {
            proxy.close();
        }
        if (c != null) {
            c.close();
        }
    }

    /** Starts the edge agent process: it streams from its first endpoint, the proxy. */
    private void startEdge() throws IOException {
        List<String> endpoints = new ArrayList<>(List.of(proxy.url(), c.url("n2"), c.url("n3")));
        edge = new ProcessBuilder("java", "-Xmx128m", "-jar", "target/cscs.jar", "agent", "--config",
                c.edgeConfig("edge1", token, endpoints, AGENT).toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("edge1.out").toFile())).start();
    }

    /** Puts the next value of kernel.sysrq through n2 (not through the proxy) and returns its line. */
    private String putNext() {
        String line = "kernel.sysrq = " + ++value;
        assertThat(c.put("n2", c.awaitHead("n2"), "sysctl/kernel.sysrq", "{\"value\":\"" + value + "\"}").status()).isEqualTo(201);
        return line;
    }

    private void awaitFile(String text) {
        Path f = c.root("edge1").resolve(FILE);
        Eventually.await("edge1 has " + text, ProcessCluster.DEADLINE, () -> read(f).contains(text));
    }

    private JsonNode awaitAlert(String code, int after) {
        return Eventually.get("an alert " + code + " about edge1", ProcessCluster.DEADLINE, () -> {
            List<JsonNode> alerts = new ArrayList<>();
            c.get("n2", "/v1/alerts").body().path("alerts").forEach(alerts::add);
            return alerts.stream().skip(after).filter(a -> a.path("code").asText().equals(code)
                    && a.path("origin").asText().equals("edge1")).findFirst().orElse(null);
        });
    }

    private int alertCount() {
        return Eventually.get("n2's alerts", ProcessCluster.DEADLINE, () -> {
            ProcessCluster.Response r = c.get("n2", "/v1/alerts");
            return r.status() == 200 ? r.body().path("alerts").size() : null;
        });
    }

    /** Starts the edge agent on the honest proxy and waits until it applied the first value and took a fresh record. */
    private void startHonest() throws IOException {
        proxy.mode(WithholdingProxy.Mode.PASS);
        startEdge();
        awaitFile(putNext());
        Eventually.await("edge1's report, fresh", ProcessCluster.DEADLINE, () -> {
            for (JsonNode n : c.get("n2", "/v1/status").body().path("nodes")) {
                if (n.path("node").asText().equals("edge1")) {
                    return !n.toString().contains("\"stale\"");
                }
            }
            return false;
        });
    }

    /**
     * With the device on the honest proxy, turns it to {@code mode}, commits a change through n2 and
     * waits until the device has it anyway; returns the alert of {@code code} it raised on the way.
     */
    private JsonNode denied(WithholdingProxy.Mode mode, String code) throws IOException {
        startHonest();
        int before = alertCount();
        proxy.mode(mode);
        long t0 = System.nanoTime();
        awaitFile(putNext());
        System.out.printf("freshness: a device whose server %s had the change %d ms after it was committed "
                + "(agent.maxStaleness 6 s, records every 1 s)%n", mode, (System.nanoTime() - t0) / 1_000_000);
        assertThat(proxy.dropped()).as("the proxy did hold the change back").isPositive();
        return awaitAlert(code, before);
    }

    @Test
    void aServerThatFreezesItsDeviceIsLeftOnceNoFreshRecordArrivesAndTheDeviceGetsTheChange() throws Exception {
        assertThat(denied(WithholdingProxy.Mode.FREEZE, "stale").path("message").asText())
                .contains("node edge1: stale: no signed freshness record");
        assertThat(read(dir.resolve("edge1.out"))).contains("leaving its source: stale");
    }

    @Test
    void aServerThatWithholdsAChangeIsCaughtByTheNextSignedRecordAndLeft() throws Exception {
        assertThat(denied(WithholdingProxy.Mode.WITHHOLD, "withheld").path("message").asText())
                .contains("the source withholds changesets", "global at seq");
        assertThat(read(dir.resolve("edge1.out"))).contains("leaving its source: the source withholds");
    }

    @Test
    void aServerThatReplaysAnOldRecordCannotKeepItsDeviceFresh() throws Exception {
        assertThat(denied(WithholdingProxy.Mode.REPLAY, "stale").path("message").asText()).contains("node edge1: stale");
        assertThat(read(dir.resolve("edge1.out"))).contains("leaving its source: stale");
    }

    @Test
    void cscsWatchPassesOverTheFreshnessRecordsAndMemberLsSaysWhoSignedTheLatest() throws Exception {
        Path out = dir.resolve("watch.out");
        Process watch = new ProcessBuilder("java", "-jar", "target/cscs.jar", "watch", "global", "--count", "1", "--endpoint",
                c.url("n1")).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            // the watch is streaming once n1 counts a watcher; two more records later it has seen one
            Eventually.await("the watch is up", ProcessCluster.DEADLINE, () -> metric("cscs_watchers") >= 1);
            long first = recordRevision();
            Eventually.await("two records after it", ProcessCluster.DEADLINE, () -> recordRevision() > first + 1);
            assertThat(watch.isAlive()).as(read(out)).isTrue();
            putNext();
            Eventually.await("the watch ends after one change", ProcessCluster.DEADLINE, () -> !watch.isAlive());
            assertThat(watch.exitValue()).as(read(out)).isZero();
            assertThat(read(out)).contains("global seq 1", "+sysctl/kernel.sysrq").doesNotContain("freshness");
            assertThat(CliRun.at(c.url("n1"), Main::commandLine, "member", "ls").out())
                    .containsPattern("freshness: the latest record was signed by n[123] at 20\\S+Z \\(revision \\d+\\)");
        } finally {
            LocalProcesses.stopAll(List.of(watch), 5);
        }
    }

    private long recordRevision() {
        return c.get("n1", "/v1/members").body().path("freshness").path("revision").asLong(-1);
    }

    private double metric(String name) {
        for (String line : c.text("n1", "/metrics").split("\n")) {
            if (line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(name.length() + 1).strip());
            }
        }
        return -1;
    }

    private static String read(Path f) {
        try {
            return Files.exists(f) ? Files.readString(f) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
