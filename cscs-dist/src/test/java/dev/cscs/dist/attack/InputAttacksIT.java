package dev.cscs.dist.attack;

import static dev.cscs.core.testing.Chains.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.cscs.core.crypto.WeakKeys;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetBody;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Op;
import dev.cscs.core.model.Signature;
import dev.cscs.core.testing.Eventually;
import dev.cscs.core.trust.Signing;
import dev.cscs.store.LogEntry;
import dev.cscs.store.LogEntryCodec;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Hostile bytes at the API: path traversal in key names, crafted join tokens, duplicate JSON
 * members, deep nesting, and oversize changesets. Three {@code java -jar} nodes with small limits
 * ({@code changesetBytes 16384, valueBytes 4096, ops 20, depth 16, signatures 4}), each
 * applying to its own sandbox root.
 */
class InputAttacksIT extends AttackFixture {
    static final int MAX_BYTES = 16384;

    @Override
    AttackCluster cluster(Path dir, World world) throws Exception {
        return new AttackCluster(dir, JAR, world, 3, null, "alertInterval: 0s, changesetBytes: " + MAX_BYTES
                + ", valueBytes: 4096, ops: 20, depth: 16, signatures: 4, writesPerSecond: 1000, writeBurst: 1000", true);
    }

    /** A valid signed next link of global, as compact JSON, putting {@code {"value":"1"}} at {@code sysctl/kernel.sysrq}. */
    private String template() {
        return new String(ChangesetCodec.toCompactJson(World.signed(World.next("global", cluster.head("n1", "global"),
                put("sysctl/kernel.sysrq", "{\"value\":\"1\"}")), world.globalSigner)), StandardCharsets.UTF_8);
    }

    private static String sha256(Path p) throws Exception {
        return Files.exists(p) ? HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)))
                : "absent";
    }

    @Test
    void pathTraversalInKeyNamesIsRefusedWith400AndNoFileIsWrittenOutsideTheManagedDirs() throws Exception {
        String passwd = sha256(Path.of("/etc/passwd"));
        Map<String, String> before = sandboxes.snapshot();
        List<String> keys = List.of("yum/../../etc/passwd", "sysctl/a/b", "service/../x", "yum/..", "yum/.hidden",
                "yum/a..b", "yum/..%2F..%2Fetc%2Fpasswd", "yum/%2e%2e", "sysctl/..\\..\\etc\\shadow", "yum/epel\u0000.repo",
                "yum/\u2025", "yum/..\uff0fetc", "../yum/x", "/etc/passwd", "service/telnet.socket/../../../../etc/shadow",
                "yum/" + "a".repeat(129), "firewall/");
        String template = template();
        for (String key : keys) {
            String json = template.replace("\"sysctl/kernel.sysrq\"", TextNode.valueOf(key).toString());
            assertThat(json).isNotEqualTo(template);
            AttackCluster.Response r = refusals.refused("n" + (1 + Math.abs(key.hashCode()) % 3), json, 400, "malformed");
            assertThat(r.message()).as(key).contains("key");
        }
        // a JSON-escaped solidus is still a solidus once parsed
        refusals.refused("n2", template.replace("\"sysctl/kernel.sysrq\"", "\"yum\\/..\\/..\\/etc\\/passwd\""), 400, "malformed");

        // the same names on the read side: 400, and nothing read from outside the store
        for (String path : List.of("/v1/kv/global/yum/..%2F..%2Fetc%2Fpasswd", "/v1/kv/global/yum/%2e%2e",
                "/v1/kv/global/sysctl/a%2Fb", "/v1/kv/..%2F_trust", "/v1/kv/global/yum/.hidden")) {
            AttackCluster.Response r = cluster.get("n1", path);
            assertThat(r.status()).as(path + " " + r.body()).isIn(400, 404);
            assertThat(r.body().toString()).doesNotContain("root:x:0:0");
        }

        sandboxes.assertUnchanged(before);
        for (String id : cluster.ids()) {
            assertThat(cluster.dir.resolve(id).resolve("etc")).doesNotExist();
            assertThat(cluster.root(id).resolve("etc/passwd")).doesNotExist();
        }
        assertThat(cluster.dir.resolve("etc")).doesNotExist();
        assertThat(sha256(Path.of("/etc/passwd"))).isEqualTo(passwd);
    }

    /**
     * A member proposing a traversal key straight through Raft (its own API would refuse it):
     * the leader cannot decode the entry and refuses it before the log. DESIGN.md §3 wants the
     * rejection of "garbage" from a compromised node recorded in {@code _alerts}; the claimed
     * origin is in the entry, so either it or "unknown" is accepted as the alert's origin.
     */
    @Test
    void aTraversalKeyProposedStraightThroughRaftIsRefusedBeforeTheLogAndAlerted() throws Exception {
        Map<String, String> before = sandboxes.snapshot();
        Map<String, Map<String, String>> heads = refusals.heads();
        Changeset cs = World.signed(World.next("global", cluster.head("n1", "global"), put("sysctl/kernel.sysrq", "{\"value\":\"1\"}")),
                world.globalSigner);
        String entry = new String(LogEntryCodec.encode(new LogEntry.Submit("n2", Signing.rfc3339(Instant.now()), cs)),
                StandardCharsets.UTF_8).replace("\"sysctl/kernel.sysrq\"", "\"yum/../../etc/passwd\"");
        long mark = cluster.alertMark();
        try (RaftBackdoor raft = new RaftBackdoor(cluster, null)) {
            RaftBackdoor.Outcome o = raft.send(entry.getBytes(StandardCharsets.UTF_8));
            assertThat(o.ok()).as(o.toString()).isFalse();
            assertThat(o.code()).as(o.detail()).isEqualTo("malformed");
        }
        assertThat(refusals.heads()).isEqualTo(heads);
        sandboxes.assertUnchanged(before);
        assertThatCode(() -> awaitAlertFromAnyOf(mark, "malformed", List.of("n2", "unknown")))
                .as("the leader's refusal of an undecodable entry is recorded in _alerts").doesNotThrowAnyException();
    }

    private void awaitAlertFromAnyOf(long mark, String code, List<String> origins) {
        Eventually.await("an alert " + code + " from one of " + origins, Duration.ofSeconds(15),
                () -> cluster.alerts("n1").stream().anyMatch(a -> a.path("revision").asLong() > mark
                        && a.path("code").asText().equals(code) && origins.contains(a.path("origin").asText())));
    }

    /**
     * Crafted join tokens from a client that holds no token: keys that are no curve point, of
     * small order, or not a key at all, and broken shapes. Each is a documented 4xx (a 500 with a
     * stack trace was the finding), no member is added, and no node logs an ERROR or a trace for
     * them (only what they logged counts: a start-up warning from Ratis is not theirs).
     */
    @Test
    void craftedJoinTokensAreRefusedWith4xxAndNoNodeLogsAStackTrace() {
        int members = cluster.get("n1", "/v1/members").body().path("members").size();
        byte[] notAPoint = new byte[32];
        for (int i = 0; i < notAPoint.length; i++) {
            notAPoint[i] = (byte) (2 * 37 + (i + 12) * 11);
        }
        List<byte[]> keys = List.of(WeakKeys.ed25519Spki(notAPoint), WeakKeys.ed25519Spki(WeakKeys.ED25519_SMALL_ORDER.get(0)),
                WeakKeys.ed25519Spki(WeakKeys.ED25519_SMALL_ORDER.get(3)), "not a key".getBytes(StandardCharsets.UTF_8));
        List<String> joins = new ArrayList<>();
        for (byte[] spki : keys) {
            joins.add(join(Base64.getEncoder().encodeToString(spki), Digest.of(spki).hex()));
        }
        joins.add(join("", "00"));
        joins.add("{\"token\":{\"body\":[],\"signatures\":{}},\"raft\":7,\"proof\":null}");
        joins.add("{\"token\":\"" + "A".repeat(2000) + "\"}");
        Map<String, Integer> marks = new HashMap<>();
        cluster.ids().forEach(id -> marks.put(id, cluster.log(id).length()));
        for (String j : joins) {
            AttackCluster.Response r = cluster.post("n2", "/v1/join", j.getBytes(StandardCharsets.UTF_8));
            assertThat(r.status()).as(j + " -> " + r.body()).isBetween(400, 499);
            assertThat(r.code()).as(j).isNotBlank().isNotEqualTo("internal");
            assertThat(r.message()).as(j).doesNotContain("Exception", "\tat ");
        }
        assertThat(cluster.get("n1", "/v1/members").body().path("members").size()).isEqualTo(members);
        marks.forEach((id, mark) -> assertThat(cluster.log(id).substring(mark)).as("what %s logged", id)
                .doesNotContain(" ERROR ", "\tat ", "Exception:"));
    }

    private static String join(String spkiBase64, String keyid) {
        String token = "{\"body\":{\"format\":\"cscs/join/v1\",\"node\":\"evil\",\"role\":\"voter\",\"domains\":[],"
                + "\"key\":{\"alg\":\"ed25519\",\"spki\":\"" + spkiBase64 + "\"},"
                + "\"issued\":\"2026-01-01T00:00:00Z\",\"expires\":\"2099-01-01T00:00:00Z\",\"nonce\":\"" + "0".repeat(32) + "\"},"
                + "\"signatures\":[]}";
        return "{\"token\":" + token + ",\"raft\":\"127.0.0.1:1\",\"proof\":{\"keyid\":\"" + keyid
                + "\",\"alg\":\"ed25519\",\"sig\":\"" + Base64.getEncoder().encodeToString(new byte[64]) + "\"}}";
    }

    @Test
    void duplicateJsonMembersAreRefusedWith400Malformed() {
        Map<String, String> before = sandboxes.snapshot();
        String t = template();
        List<String> attacks = new ArrayList<>();
        attacks.add(t.replaceFirst("\"domain\":\"global\"", "\"domain\":\"global\",\"domain\":\"factory-a\""));
        // the same name spelled with an escape: two parsers could disagree on which one wins
        attacks.add(t.replace("\"domain\":\"global\"", "\"domain\":\"global\",\"\\u0064omain\":\"factory-a\""));
        attacks.add(t.replaceFirst("\"key\":\"sysctl/kernel.sysrq\"", "\"key\":\"sysctl/kernel.sysrq\",\"key\":\"yum/evil\""));
        attacks.add(t.replaceFirst("\\{\"value\":\"1\"\\}", "{\"value\":\"1\",\"value\":\"0\"}"));
        attacks.add(t.replaceFirst("\"seq\":", "\"seq\":999,\"seq\":"));
        attacks.add(t.replaceFirst("\"alg\":\"ed25519\"", "\"alg\":\"ed25519\",\"alg\":\"ecdsa-p256-sha256\""));
        attacks.add("{\"signatures\":[]," + t.substring(1));
        for (String json : attacks) {
            assertThat(json).isNotEqualTo(t);
            AttackCluster.Response r = refusals.refused("n3", json, 400, "malformed");
            assertThat(r.message()).as(json).containsAnyOf("duplicate", "appears twice");
        }
        // two ops on one key in one changeset
        Changeset twice = World.signed(World.next("global", cluster.head("n1", "global"), put("sysctl/kernel.sysrq", "{\"value\":\"1\"}"),
                put("sysctl/kernel.sysrq", "{\"value\":\"0\"}")), world.globalSigner);
        refusals.refused("n1", twice, 400, "malformed");
        sandboxes.assertUnchanged(before);
    }

    @Test
    void deepNestingIsRefusedWith400MalformedAndTheNodeStaysUp() {
        Map<String, String> before = sandboxes.snapshot();
        String t = template();
        String deep = "[".repeat(40) + "\"1\"" + "]".repeat(40);
        refusals.refused("n1", t.replace("{\"value\":\"1\"}", "{\"value\":" + deep + "}"), 400, "malformed");
        // as deep as the size limit allows: a parser that recursed on it would overflow its stack
        int n = (MAX_BYTES - t.length()) / 2 - 16;
        String deepest = t.replace("{\"value\":\"1\"}", "{\"value\":" + "[".repeat(n) + "]".repeat(n) + "}");
        assertThat(deepest.length()).isLessThan(MAX_BYTES);
        refusals.refused("n2", deepest, 400, "malformed");
        refusals.refused("n3", "[".repeat(5000) + "]".repeat(5000), 400, "malformed");
        for (String id : cluster.ids()) {
            assertThat(cluster.get(id, "/healthz").status()).isEqualTo(200);
        }
        sandboxes.assertUnchanged(before);
    }

    @Test
    void oversizeChangesetsAreRefusedWith413TooLarge() throws Exception {
        Map<String, String> before = sandboxes.snapshot();
        // the whole request over the limit
        Changeset big = World.signed(World.next("global", cluster.head("n1", "global"),
                put("sysctl/kernel.sysrq", "{\"value\":\"1\"}")), world.globalSigner);
        String padded = new String(ChangesetCodec.toCompactJson(big), StandardCharsets.UTF_8)
                .replace("{\"value\":\"1\"}", "{\"value\":\"1\",\"pad\":\"" + "x".repeat(MAX_BYTES) + "\"}");
        refusals.refused("n1", padded, 413, "too-large");
        // one value over valueBytes, the request under the limit
        refusals.refused("n2", World.signed(World.next("global", cluster.head("n1", "global"),
                put("yum/big", "{\"name\":\"" + "x".repeat(5000) + "\",\"baseurl\":\"https://x.example/\"}")), world.globalSigner),
                413, "too-large");
        // more ops than allowed
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < 21; i++) {
            ops.add(put("sysctl/kernel.x" + i, "{\"value\":\"1\"}"));
        }
        refusals.refused("n3", World.signed(World.next("global", cluster.head("n1", "global"), ops.toArray(new Op[0])),
                world.globalSigner), 413, "too-large");
        // more signatures than allowed (all valid, by one key)
        Changeset one = World.signed(World.next("global", cluster.head("n1", "global"), put("sysctl/kernel.sysrq", "{\"value\":\"1\"}")),
                world.globalSigner);
        Signature s = one.signatures().get(0);
        refusals.refused("n1", new Changeset(one.body(), List.of(s, s, s, s, s)), 413, "too-large");

        // a chunked body (no Content-Length) that streams past the limit
        long mark = cluster.alertMark();
        byte[] stream = padded.getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(URI.create(cluster.url("n2") + "/v1/changesets"))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(stream)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(413);
        assertThat(r.body()).contains("too-large");
        cluster.awaitAlert(mark, "too-large", "n2");

        for (String id : cluster.ids()) {
            assertThat(cluster.get(id, "/healthz").status()).isEqualTo(200);
        }
        sandboxes.assertUnchanged(before);
        assertThat(ChangesetBody.FORMAT).isNotEmpty();
    }
}
