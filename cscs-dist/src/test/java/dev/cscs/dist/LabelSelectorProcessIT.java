package dev.cscs.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cscs.cli.CliRun;
import dev.cscs.core.crypto.KeyFiles;
import dev.cscs.core.crypto.KeyGen;
import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Head;
import dev.cscs.core.model.Labels;
import dev.cscs.core.testing.Eventually;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Device labels and selectors with real processes: three {@code java -jar} voters (their config
 * names only global) and an edge agent process provisioned with a token labelled
 * {@code ring=canary}. A domain bound by {@code cscs trust update --selector} reaches the edge
 * device and no voter, live; a signed {@code cscs member label} moves it out again; the process
 * never restarts, and {@code cscs status} says why it has each domain.
 */
class LabelSelectorProcessIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FILE = "etc/sysctl.d/90-cscs.conf";
    @TempDir
    Path dir;

    @Test
    void aSelectedDomainReachesTheLabelledDeviceLiveAndALabelChangeTakesItAway() throws Exception {
        try (ProcessCluster c = new ProcessCluster(dir, Path.of("target/cscs.jar"), 3, 0, "", "", true, List.of("canary"))) {
            c.startAll();
            c.awaitLeader();
            PrivateKeyRef key = KeyGen.generate("ecdsa-p256");
            Files.createDirectories(dir.resolve("edge1"));
            KeyFiles.writePrivate(dir.resolve("edge1").resolve("node-identity.key"), key, null);
            Path token = Files.writeString(dir.resolve("edge1.token"), c.joinToken("edge1", "agent", List.of("global"),
                    Labels.parseArg("ring=canary,site=plant-a", "labels"), key.publicKey()).toJson().toString());
            Process edge = new ProcessBuilder("java", "-Xmx128m", "-jar", "target/cscs.jar", "agent", "--config",
                    c.edgeConfig("edge1", token).toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("edge1.out").toFile())).start();
            try {
                Path rootKey = c.writeRootKey(dir.resolve("root.key"));
                assertThat(c.put("n1", c.awaitHead("n1"), "sysctl/kernel.sysrq", "{\"value\":\"0\"}").status()).isEqualTo(201);
                awaitFile(c, "edge1", "kernel.sysrq = 0");

                CliRun bind = cscs(c, "trust", "update", "--selector", "canary=ring=canary|beta", "--sign-with", rootKey.toString());
                assertThat(bind.exit()).as(bind.err()).isZero();
                assertThat(bind.err()).contains("domain changed: canary (selector ring=canary|beta)");
                long bound = System.nanoTime();
                Head canary = c.awaitHead("n1", "canary");
                assertThat(c.post("n1", "/v1/changesets", ChangesetCodec.toCompactJson(
                        c.change("canary", canary, "sysctl/kernel.dmesg_restrict", "{\"value\":\"1\"}"))).status()).isEqualTo(201);

                awaitFile(c, "edge1", "kernel.dmesg_restrict = 1");
                System.out.printf("labels: selector bound and a value put to the value on the edge device: %d ms%n",
                        (System.nanoTime() - bound) / 1_000_000);
                JsonNode row = awaitRow(c, "edge1", r -> r.path("subscriptions").toString().contains("canary"));
                assertThat(row.path("subscriptions").toString()).isEqualTo("[{\"domain\":\"global\",\"via\":\"config\"},"
                        + "{\"domain\":\"canary\",\"via\":\"selector ring=canary|beta\"}]");
                assertThat(cscs(c, "status").out()).contains("by label", "edge1: canary (selector ring=canary|beta)");
                // the voters have no labels: nothing of canary reaches them
                assertThat(Files.readString(c.root("n1").resolve(FILE))).contains("kernel.sysrq = 0").doesNotContain("dmesg_restrict");

                long t0 = System.nanoTime();
                CliRun relabel = cscs(c, "member", "label", "edge1", "ring=stable", "--sign-with", rootKey.toString());
                assertThat(relabel.exit()).as(relabel.err()).isZero();
                Path edgeFile = c.root("edge1").resolve(FILE);
                Eventually.await("edge1 drops canary's value", ProcessCluster.DEADLINE,
                        () -> read(edgeFile).contains("kernel.sysrq = 0") && !read(edgeFile).contains("dmesg_restrict"));
                // a figure, not an assertion: from the signed label change to the device's file without the domain
                System.out.printf("labels: member label to the edge device's file without the domain: %d ms%n",
                        (System.nanoTime() - t0) / 1_000_000);
                awaitRow(c, "edge1", r -> !r.path("subscriptions").toString().contains("canary"));
                JsonNode members = JSON.readTree(cscs(c, "member", "ls", "-o", "json").out());
                assertThat(members.path("nodes").path("edge1").path("labels").path("ring").asText()).isEqualTo("stable");
                assertThat(members.path("nodes").path("edge1").path("labels").path("site").asText())
                        .as("the token's other labels stay").isEqualTo("plant-a");
                assertThat(edge.isAlive()).as("the edge agent never restarted").isTrue();
            } finally {
                LocalProcesses.stopAll(List.of(edge), 10);
            }
        }
    }

    private static CliRun cscs(ProcessCluster c, String... args) {
        return CliRun.at(c.url("n1"), Main::commandLine, args);
    }

    private static void awaitFile(ProcessCluster c, String id, String text) {
        Path f = c.root(id).resolve(FILE);
        Eventually.await(id + " has " + text, ProcessCluster.DEADLINE, () -> read(f).contains(text));
    }

    private static JsonNode awaitRow(ProcessCluster c, String id, Predicate<JsonNode> ok) {
        return Eventually.get(id + "'s status", ProcessCluster.DEADLINE, () -> {
            for (JsonNode n : c.get("n1", "/v1/status").body().path("nodes")) {
                if (n.path("node").asText().equals(id) && ok.test(n)) {
                    return n;
                }
            }
            return null;
        });
    }

    private static String read(Path f) {
        try {
            return Files.exists(f) ? Files.readString(f) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
