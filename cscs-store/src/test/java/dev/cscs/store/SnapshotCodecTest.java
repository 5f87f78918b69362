package dev.cscs.store;

import static dev.cscs.core.testing.Chains.put;
import static dev.cscs.core.testing.Chains.signed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.crypto.SignatureAlg;
import dev.cscs.core.crypto.Signer;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Head;
import dev.cscs.core.model.Signature;
import dev.cscs.core.testing.Chains;
import dev.cscs.core.testing.TestKeys;
import dev.cscs.core.trust.JoinToken;
import dev.cscs.core.trust.Signing;
import dev.cscs.core.trust.StatusSigning;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A snapshot's checksum only detects damage; these snapshots carry a valid one and must still
 * be refused when they hold anything the chains and the trust policy do not prove.
 */
class SnapshotCodecTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int HEAD = SnapshotCodec.MAGIC.length + 4 + 8;
    private static final long TERM = 3;
    private static final long INDEX = 9;
    private final Changeset genesis = Chains.genesis();
    private final PrivateKeyRef nodeKey = TestKeys.named("n4", "ecdsa-p256");
    private final JoinToken token = JoinToken.issue("n4", "agent", List.of("global"), nodeKey.publicKey(), Chains.T0,
            Duration.ofHours(1), List.of(Chains.root()));

    /** A store with a changeset, a join of n4 with its own key, and n4's signed status. */
    private ConfigStore populated() {
        ConfigStore s = new ConfigStore(genesis, ChangesetCodec.digest(genesis.body()), 100);
        Head h = s.head("global");
        s.apply(1, new LogEntry.Submit("n1", "2026-11-29T16:00:00Z", signed(Signing.unsigned("global", h.seq() + 1,
                h.digest(), Chains.T0, List.of(put("sysctl/a", "{\"value\":\"1\"}")), null), Chains.signerB())));
        s.apply(2, new LogEntry.Join("n1", "2026-11-29T16:10:00Z", token, ""));
        s.apply(4, new LogEntry.ReportStatus("n4", "2026-11-29T16:12:00Z", report(), signature(nodeKey)));
        s.apply(5, new LogEntry.RecordAlert("n2", "2026-11-29T16:13:00Z", "malformed", "bad json", "sha256:x", 2));
        return s;
    }

    private static JsonNode report() {
        return Chains.json("{\"node\":\"n4\",\"ok\":true}");
    }

    private static Signature signature(PrivateKeyRef key) {
        SignatureAlg alg = SignatureAlg.ECDSA_P256_SHA256;
        return Signature.of(key.keyid(), alg, Signer.sign(key, alg, StatusSigning.payload(report())));
    }

    private static byte[] bytes(ConfigStore s) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SnapshotCodec.write(s, TERM, INDEX, out);
        return out.toByteArray();
    }

    private ConfigStore read(byte[] snapshot, long term, long index) throws IOException {
        return SnapshotCodec.read(new ByteArrayInputStream(snapshot), genesis, null, 100, term, index);
    }

    private static ObjectNode payload(byte[] snapshot) throws IOException {
        return (ObjectNode) JSON.readTree(Arrays.copyOfRange(snapshot, HEAD, snapshot.length - 32));
    }

    /** What an attacker who can write the file does: change the payload and compute a fresh checksum. */
    private static byte[] resealed(JsonNode payload) throws Exception {
        byte[] body = JSON.writeValueAsBytes(payload);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(out);
        d.write(SnapshotCodec.MAGIC);
        d.writeInt(SnapshotCodec.VERSION);
        d.writeLong(body.length);
        d.write(body);
        d.flush();
        byte[] sum = MessageDigest.getInstance("SHA-256").digest(out.toByteArray());
        d.write(sum);
        d.flush();
        return out.toByteArray();
    }

    @Test
    void joinedNodesUsedTokensAndVerifiedStatusRoundTripThroughReVerification() throws Exception {
        ConfigStore s = populated();

        ConfigStore r = read(bytes(s), TERM, INDEX);

        assertThat(r.nodes()).isEqualTo(s.nodes());
        assertThat(r.nodes().get("n4").spki()).isEqualTo(nodeKey.publicKey().spkiBase64());
        assertThat(r.usedTokens()).containsExactly(token.id().hex());
        assertThat(r.statusVerified()).containsExactly(Map.entry("n4", true));
        assertThat(r.status()).isEqualTo(s.status());
        assertThat(r.alerts()).isEqualTo(s.alerts());
        assertThat(r.heads()).isEqualTo(s.heads());
        assertThat(r.lastRevision()).isEqualTo(INDEX);
        // the replayed token is spent: the same join is refused after the restore as before it
        assertThat(r.apply(10, new LogEntry.Join("n2", "2026-11-29T16:20:00Z", token, "")))
                .isInstanceOf(Outcome.Rejected.class);
    }

    /** Reports recorded by one batch share its revision: the snapshot carries them as that batch, re-checked on restore. */
    @Test
    void reportsRecordedByOneBatchRoundTripAsOneEntryAndEachIsReChecked() throws Exception {
        ConfigStore s = populated();
        JsonNode unregistered = Chains.json("{\"node\":\"n7\",\"ok\":true}");
        s.apply(6, new LogEntry.ReportStatuses(List.of(new LogEntry.ReportStatus("n4", "2026-11-29T16:14:00Z", report(),
                signature(nodeKey)), new LogEntry.ReportStatus("n7", "2026-11-29T16:14:00Z", unregistered, null))));

        ConfigStore r = read(bytes(s), TERM, INDEX);
        assertThat(r.status()).isEqualTo(s.status()).containsOnlyKeys("n4", "n7");
        assertThat(r.statusVerified()).containsEntry("n4", true).containsEntry("n7", false);

        ObjectNode p = payload(bytes(s));
        JsonNode batch = p.get("entries").get(1);
        assertThat(batch.path("revision").asLong()).isEqualTo(6);
        Signature other = signature(TestKeys.named("intruder", "ecdsa-p256"));
        ((ObjectNode) batch.get("entry").get("reports").get(0)).putObject("signature").put("keyid", other.keyid())
                .put("alg", other.alg().wireName()).put("sig", other.sig());
        assertThatThrownBy(() -> read(resealed(p), TERM, INDEX))
                .hasMessageContaining("statuses entry at revision 6 does not verify").hasMessageContaining("n4");
    }

    @Test
    void aVoterWhoseTokenNoOperatorSignedIsRefusedDespiteAValidChecksum() throws Exception {
        PrivateKeyRef attacker = TestKeys.named("mallory", "ecdsa-p256");
        JoinToken forged = JoinToken.issue("evil", "voter", List.of(), attacker.publicKey(), Chains.T0, Duration.ofHours(1),
                List.of(attacker));
        ObjectNode p = payload(bytes(populated()));
        ((ArrayNode) p.get("entries")).addObject().put("revision", 6)
                .set("entry", LogEntryCodec.toTree(new LogEntry.Join("n1", "2026-11-29T16:10:00Z", forged, "127.0.0.1:9999")));

        assertThatThrownBy(() -> read(resealed(p), TERM, INDEX))
                .hasMessageContaining("join entry at revision 6 does not verify");
    }

    @Test
    void aJoinedNodesKeySwappedForAnAttackersIsRefused() throws Exception {
        PrivateKeyRef attacker = TestKeys.named("mallory", "ecdsa-p256");
        ObjectNode p = payload(bytes(populated()));
        ObjectNode join = (ObjectNode) p.get("entries").get(0).get("entry");
        ((ObjectNode) join.get("token").get("body").get("key")).put("spki", attacker.publicKey().spkiBase64());

        assertThatThrownBy(() -> read(resealed(p), TERM, INDEX)).hasMessageContaining("join entry at revision 2");
    }

    @Test
    void aUsedTokenSetCannotBeWrittenAndATokenCannotBeSpentTwice() throws Exception {
        ObjectNode extra = payload(bytes(populated()));
        extra.putArray("usedTokens").add("00");
        assertThatThrownBy(() -> read(resealed(extra), TERM, INDEX)).hasMessageContaining("unknown field \"usedTokens\"");

        ObjectNode twice = payload(bytes(populated()));
        ((ArrayNode) twice.get("entries")).addObject().put("revision", 7).set("entry", twice.get("entries").get(0).get("entry"));
        assertThatThrownBy(() -> read(resealed(twice), TERM, INDEX))
                .hasMessageContaining("join entry at revision 7 does not verify").hasMessageContaining("already used");
    }

    @Test
    void aStatusNotSignedByTheNodesRegisteredKeyIsRefused() throws Exception {
        ObjectNode p = payload(bytes(populated()));
        ObjectNode status = (ObjectNode) p.get("entries").get(1).get("entry");
        Signature other = signature(TestKeys.named("intruder", "ecdsa-p256"));
        status.putObject("signature").put("keyid", other.keyid()).put("alg", other.alg().wireName()).put("sig", other.sig());

        assertThatThrownBy(() -> read(resealed(p), TERM, INDEX)).hasMessageContaining("status entry at revision 4 does not verify");
    }

    @Test
    void aPayloadAtAnotherTermOrIndexThanItsFileIsRefused() throws Exception {
        byte[] snapshot = bytes(populated());

        assertThatThrownBy(() -> read(snapshot, TERM, INDEX + 1))
                .hasMessage("snapshot payload is at term 3, index 9, but the file is for term 3, index 10");
        assertThatThrownBy(() -> read(snapshot, TERM + 1, INDEX)).hasMessageContaining("file is for term 4, index 9");
    }

    @Test
    void anEntryAfterTheSnapshotIndexOrAnAlertWithAnUnknownCodeIsRefused() throws Exception {
        ObjectNode late = payload(bytes(populated()));
        ((ObjectNode) late.get("entries").get(1)).put("revision", INDEX + 1);
        assertThatThrownBy(() -> read(resealed(late), TERM, INDEX)).hasMessageContaining("revision 10 is outside 1..9");

        ObjectNode alert = payload(bytes(populated()));
        ((ObjectNode) alert.get("alerts").get(0)).put("code", "all-is-well");
        assertThatThrownBy(() -> read(resealed(alert), TERM, INDEX)).hasMessageContaining("is not an error code");
    }
}
