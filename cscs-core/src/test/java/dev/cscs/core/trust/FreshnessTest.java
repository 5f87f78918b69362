package dev.cscs.core.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.core.crypto.KeyGen;
import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.json.StrictJson;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Head;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FreshnessTest {
    static final PrivateKeyRef KEY = KeyGen.generate("ecdsa-p256");
    static final Map<String, Head> HEADS = Map.of("_trust", new Head(2, Digest.of(new byte[] {1})),
            "global", new Head(7, Digest.of(new byte[] {2})));
    static final Instant AT = Instant.parse("2026-12-06T21:00:00.123Z");

    static Freshness signed() {
        return Freshness.sign(KEY, "n1", AT.plusNanos(456_789), HEADS);
    }

    static Freshness reparsed(JsonNode json) {
        return Freshness.fromTree(StrictJson.parse(json.toString().getBytes(StandardCharsets.UTF_8), 8, "freshness"));
    }

    @Test
    void aSignedRecordRoundTripsAndVerifiesUnderItsSignersKeyOnly() {
        Freshness f = reparsed(signed().toJson());
        assertThat(f.issued()).as("kept to the millisecond, so its text has one spelling").isEqualTo(AT);
        assertThat(f.heads()).isEqualTo(HEADS);
        assertThat(f.signedBy(KEY.publicKey())).isTrue();
        assertThat(f.signedBy(KeyGen.generate("ecdsa-p256").publicKey())).isFalse();
    }

    @Test
    void everySignedFieldIsCoveredByTheSignature() {
        ObjectNode json = signed().toJson();
        ObjectNode head = json.deepCopy();
        ((ObjectNode) head.get("record").get("heads")).put("global", new Head(8, Digest.of(new byte[] {2})).toString());
        ObjectNode node = json.deepCopy();
        ((ObjectNode) node.get("record")).put("node", "n2");
        ObjectNode time = json.deepCopy();
        ((ObjectNode) time.get("record")).put("issued", "2026-12-06T22:00:00.123Z");
        ObjectNode dropped = json.deepCopy();
        ((ObjectNode) dropped.get("record").get("heads")).remove("global");
        for (ObjectNode changed : new ObjectNode[] {head, node, time, dropped}) {
            assertThat(reparsed(changed).signedBy(KEY.publicKey())).as(changed.toString()).isFalse();
        }
    }

    @Test
    void aSecondSpellingOfTheTimeIsMalformed() {
        ObjectNode json = signed().toJson();
        ((ObjectNode) json.get("record")).put("issued", "2026-12-06T21:00:00.1230Z");
        assertThatThrownBy(() -> reparsed(json)).isInstanceOfSatisfying(CscsException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED)).hasMessageContaining("one spelling");
    }

    @Test
    void aHeadOfANameThatIsNoChainIsMalformed() {
        ObjectNode json = signed().toJson();
        ((ObjectNode) json.get("record").get("heads")).put("_status", "1:" + Digest.of(new byte[] {3}));
        assertThatThrownBy(() -> reparsed(json)).isInstanceOfSatisfying(CscsException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED)).hasMessageContaining("$.record.heads._status");
    }

    @Test
    void onlyAVoterOrReplicaRecordWithAKeyNamesASigner() {
        String spki = Base64.getEncoder().encodeToString(KEY.publicKey().spki());
        JsonNode voter = StrictJson.parse(("{\"role\":\"voter\",\"raft\":\"127.0.0.1:1\",\"key\":{\"alg\":\"ecdsa-p256-sha256\","
                + "\"spki\":\"" + spki + "\"}}").getBytes(StandardCharsets.UTF_8), 4, "r");
        assertThat(Freshness.signerKey(voter)).hasValueSatisfying(k -> assertThat(k.keyid()).isEqualTo(KEY.keyid()));
        ObjectNode agent = ((ObjectNode) voter.deepCopy()).put("role", "agent");
        ObjectNode removed = ((ObjectNode) voter.deepCopy()).put("role", "removed");
        ObjectNode keyless = voter.deepCopy();
        keyless.remove("key");
        assertThat(Freshness.signerKey(agent)).isEmpty();
        assertThat(Freshness.signerKey(removed)).isEmpty();
        assertThat(Freshness.signerKey(keyless)).isEmpty();
    }
}
