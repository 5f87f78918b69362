package dev.cscs.dist.attack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cscs.core.model.Op;
import dev.cscs.core.testing.Chains;
import dev.cscs.core.testing.Eventually;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What the attacks must not change: every file, directory and symlink under every node's
 * sandbox root. Nothing is waited for by guessing: a snapshot is taken after a "canary"
 * changeset (a yum repo whose URL changes each time) has been applied on every node. The
 * agents apply the store's state in log order, so once the canary is on disk, anything an
 * attack had slipped into the log before it would be on disk too.
 */
final class Sandboxes {
    static final String CANARY = "etc/yum.repos.d/cscs-canary.repo";
    private final AttackCluster cluster;
    private int canaries;

    Sandboxes(AttackCluster cluster) {
        this.cluster = cluster;
    }

    /** Every node's sandbox root, after a canary barrier: {@code <node>/<relative path>} → content, link target or "dir". */
    Map<String, String> snapshot() {
        barrier();
        Map<String, String> all = new TreeMap<>();
        for (String id : cluster.ids()) {
            Path root = cluster.root(id);
            try (Stream<Path> walk = Files.walk(root)) {
                walk.filter(p -> !p.equals(root)).forEach(p -> {
                    String rel = root.relativize(p).toString();
                    if (!rel.equals(CANARY)) {
                        all.put(id + "/" + rel, describe(p));
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return all;
    }

    /** The canary barrier, then a byte-for-byte comparison with {@code before}. */
    void assertUnchanged(Map<String, String> before) {
        assertThat(before).as("the snapshot holds the baseline's managed files").containsKey("n1/" + "etc/sysctl.d/90-cscs.conf");
        assertThat(snapshot()).as("the managed files on every node's sandbox root").containsExactlyEntriesOf(before);
    }

    /** Submits the next canary through the first node and waits until every node has written it. */
    void barrier() {
        barrier(cluster.ids().get(0));
    }

    /** Submits the next canary through {@code via} and waits until every node has written it. */
    void barrier(String via) {
        String url = "https://canary.example/" + (++canaries) + "/";
        Op put = Chains.put("yum/canary", "{\"name\":\"canary\",\"baseurl\":\"" + url + "\",\"enabled\":true,\"gpgcheck\":true}");
        cluster.accept(via, "global", put);
        for (String id : cluster.ids()) {
            Path canary = cluster.root(id).resolve(CANARY);
            Eventually.await(id + " applied canary " + canaries, AttackCluster.DEADLINE, () -> read(canary).contains(url));
        }
    }

    /** Waits until {@code file} under every root contains {@code text}. */
    void awaitEverywhere(String file, String text) {
        for (String id : cluster.ids()) {
            Path p = cluster.root(id).resolve(file);
            Eventually.await(id + " has \"" + text + "\" in " + file, AttackCluster.DEADLINE, () -> read(p).contains(text));
        }
    }

    /** A baseline the attacks try to change: a yum repo, two sysctl keys and a masked service, on every node. */
    void baseline() {
        cluster.accept("n1", "factory-a", Chains.put("yum/epel", "{\"name\":\"EPEL\",\"baseurl\":\"https://mirror.example/epel/9/\","
                + "\"enabled\":true,\"gpgcheck\":true}"), Chains.put("sysctl/net.ipv4.ip_forward", "{\"value\":\"0\"}"));
        cluster.accept("n2", "global", Chains.put("service/telnet.socket", "{\"state\":\"masked\"}"),
                Chains.put("sysctl/kernel.kptr_restrict", "{\"value\":\"2\"}"));
        awaitEverywhere("etc/yum.repos.d/cscs-epel.repo", "baseurl=https://mirror.example/epel/9/");
        awaitEverywhere("etc/sysctl.d/90-cscs.conf", "net.ipv4.ip_forward = 0");
        awaitEverywhere("etc/sysctl.d/90-cscs.conf", "kernel.kptr_restrict = 2");
        for (String id : cluster.ids()) {
            Path mask = cluster.root(id).resolve("etc/systemd/system/telnet.socket");
            Eventually.await(id + " masked telnet.socket", AttackCluster.DEADLINE, () -> Files.isSymbolicLink(mask));
        }
    }

    static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static String describe(Path p) {
        try {
            if (Files.isSymbolicLink(p)) {
                return "symlink -> " + Files.readSymbolicLink(p);
            }
            if (Files.isDirectory(p)) {
                return "dir";
            }
            byte[] bytes = Files.readAllBytes(p);
            return "file " + bytes.length + " bytes: " + HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(bytes)) + "\n" + new String(bytes,
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
