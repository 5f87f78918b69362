package dev.cscs.dist.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.cli.CliRun;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Head;
import dev.cscs.core.testing.Eventually;
import dev.cscs.dist.Main;
import dev.cscs.dist.ProcessCluster;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in Debian's Chromium, driven by playwright-core ({@code src/test/ui/dashboard.mjs}),
 * against three real server processes whose agents apply to sandbox roots. The script checks the
 * pages; what it needs done to the cluster it asks for on stdout ({@code need put KEY VALUE},
 * {@code need forge}, {@code need stop NODE}, {@code need fleet N}) and this side does it and
 * answers {@code ok}. Screenshots land in {@code target/dashboard-screenshots/}.
 */
class DashboardBrowserIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SCRIPT_DEADLINE = Duration.ofMinutes(6);

    @TempDir
    Path dir;

    @Test
    void everyPageWorksLiveInChromiumAgainstAClusterWithAgents() throws Exception {
        Browsers.require();
        try (ProcessCluster cluster = new ProcessCluster(dir, Path.of("target/cscs.jar"), 3, 0, "",
                "limits: {writesPerSecond: 0, concurrentPerClient: 64}", true)) {
            for (String id : cluster.ids()) {
                // a live node reports at least every second; a silent one is stale after 20 s, longer than
                // the synthetic fleet takes to report, so that its screenshot shows a fleet, not a graveyard
                cluster.amend(id, "api: {listen: ", "api: {staleAfter: 20s, listen: ");
                cluster.amend(id, "agent: {root: ", "agent: {reconcileInterval: 1s, statusInterval: 1s, root: ");
            }
            cluster.startAll();
            cluster.awaitLeader();
            Head first = cluster.awaitHead("n1");
            assertThat(cluster.put("n2", first, "sysctl/kernel.kptr_restrict", "{\"value\":\"2\"}").status()).isEqualTo(201);
            Eventually.await("every node reports global applied", ProcessCluster.DEADLINE, () -> allInSync(cluster));
            Path key = cluster.writeSignerKey(dir.resolve("global.key"));
            List<String> transcript = drive(cluster, key);
            assertThat(transcript).as(String.join("\n", transcript)).last().isEqualTo("passed");
        }
    }

    private static boolean allInSync(ProcessCluster cluster) {
        JsonNode st = cluster.get("n1", "/v1/status").body();
        int ok = 0;
        for (JsonNode n : st.path("nodes")) {
            ok += "ok".equals(n.path("health").asText()) && n.path("domains").path("global").path("lag").asLong(1) == 0 ? 1 : 0;
        }
        return ok == 3;
    }

    /** Runs the browser script, answering what it asks for; returns every line it printed. */
    private List<String> drive(ProcessCluster cluster, Path signerKey) throws Exception {
        Path shots = Path.of("target/dashboard-screenshots").toAbsolutePath();
        Files.createDirectories(shots);
        Process node = Browsers.start("dashboard.mjs", Map.of("CSCS_UI_URL", cluster.url("n1") + "/ui/",
                "CSCS_UI_SHOTS", shots.toString()), SCRIPT_DEADLINE);
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter in = new PrintWriter(node.getOutputStream(), true, StandardCharsets.UTF_8)) {
            for (String line; (line = out.readLine()) != null; ) {
                System.out.println("dashboard.mjs: " + line);
                lines.add(line);
                if (line.startsWith("need ")) {
                    in.println(answer(cluster, signerKey, line.substring(5).split(" ", 3)));
                }
            }
        }
        int exit = node.waitFor();
        if (exit != 0) {
            lines.add("exit " + exit);
        }
        return lines;
    }

    private static String answer(ProcessCluster cluster, Path signerKey, String[] need) {
        try {
            return switch (need[0]) {
                case "put" -> {
                    CliRun put = CliRun.at(cluster.url("n2"), Main::commandLine, "put", "global", need[1], need[2],
                            "--sign-with", signerKey.toString());
                    yield put.exit() == 0 ? "ok " + cluster.head("n2").seq() : "failed: " + put.err().replace('\n', ' ');
                }
                case "forge" -> forge(cluster);
                case "stop" -> {
                    cluster.kill9(need[1]);
                    yield "ok";
                }
                case "fleet" -> {
                    SyntheticFleet.report(cluster, "n1", Integer.parseInt(need[1]));
                    System.out.println("GET /v1/status?consistency=local with the fleet, 5 reads: " + statusReads(cluster) + " ms");
                    yield "ok";
                }
                default -> "failed: no such need " + need[0];
            };
        } catch (Exception e) {
            return "failed: " + e.toString().replace('\n', ' ');
        }
    }

    private static List<Long> statusReads(ProcessCluster cluster) {
        List<Long> ms = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            cluster.get("n1", "/v1/status?consistency=local");
            ms.add((System.nanoTime() - t0) / 1_000_000);
        }
        return ms;
    }

    /** The head changeset of global with one value changed and its signature kept: what a forger without the key can send. */
    private static String forge(ProcessCluster cluster) throws Exception {
        Head head = cluster.head("n1");
        Changeset signed = cluster.change(head, "sysctl/net.ipv4.ip_forward", "{\"value\":\"0\"}");
        ObjectNode cs = (ObjectNode) JSON.readTree(ChangesetCodec.toCompactJson(signed));
        ((ObjectNode) cs.path("body").path("ops").get(0).path("value")).put("value", "1");
        ProcessCluster.Response r = cluster.post("n1", "/v1/changesets", JSON.writeValueAsBytes(cs));
        return r.status() == 403 && "bad-signature".equals(r.body().path("error").path("code").asText()) ? "ok"
                : "failed: the forged changeset got HTTP " + r.status() + " " + r.body();
    }
}
