package dev.cscs.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.json.Limits;
import dev.cscs.core.testing.Chains;
import dev.cscs.core.trust.ChainState;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChangesetCodecTest {
    private static final String VALID = "{\"body\":{\"format\":\"cscs/changeset/v1\",\"domain\":\"factory-a\",\"seq\":1,"
            + "\"prev\":\"sha256:" + "0".repeat(64) + "\",\"issued\":\"2026-11-29T16:00:00Z\","
            + "\"ops\":[{\"op\":\"put\",\"key\":\"yum/epel\",\"value\":{\"gpgcheck\":true}},{\"op\":\"delete\",\"key\":\"sysctl/kernel.sysrq\"}],"
            + "\"comment\":\"pin EPEL mirror\"},\"signatures\":[]}";

    private static Changeset parse(String json) {
        return ChangesetCodec.parse(json.getBytes(StandardCharsets.UTF_8), Limits.DEFAULT);
    }

    private static ErrorCode codeOf(String json) {
        try {
            parse(json);
            return null;
        } catch (CscsException e) {
            return e.code();
        }
    }

    @Test
    void aValidChangesetRoundTripsToTheSameDigest() {
        Changeset cs = parse(VALID);
        assertThat(cs.body().ops()).hasSize(2);
        assertThat(cs.body().ops().get(1)).isEqualTo(new Op.Delete("sysctl/kernel.sysrq"));
        Changeset again = ChangesetCodec.parse(ChangesetCodec.toPrettyJson(cs), Limits.DEFAULT);
        assertThat(ChangesetCodec.digest(again.body())).isEqualTo(ChangesetCodec.digest(cs.body()));
        assertThat(new String(ChangesetCodec.canonicalBody(cs.body()), StandardCharsets.UTF_8))
                .startsWith("{\"comment\":\"pin EPEL mirror\",\"domain\":\"factory-a\",\"format\":");
    }

    @Test
    void theSignedPayloadIsTheContextLineThenTheCanonicalBody() {
        Changeset cs = parse(VALID);
        String payload = new String(ChangesetCodec.signingPayload(cs.body()), StandardCharsets.UTF_8);
        assertThat(payload).isEqualTo("cscs-changeset-v1\n" + new String(ChangesetCodec.canonicalBody(cs.body()), StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown top-level field|\"signatures\":[]}|\"signatures\":[],\"x\":1}|unknown field",
        "unknown body field|\"comment\"|\"extra\":1,\"comment\"|unknown field",
        "duplicate member|\"seq\":1,|\"seq\":1,\"seq\":2,|duplicate member",
        "float seq|\"seq\":1,|\"seq\":1.0,|not an integer",
        "zero seq|\"seq\":1,|\"seq\":0,|must be 1 or more",
        "bad domain|factory-a|Factory_A|not a valid name",
        "reserved domain|factory-a|_alerts|reserved",
        "traversal in key|yum/epel|yum/../../etc/passwd|more than one '/'",
        "dotdot in key name|yum/epel|yum/a..b|no '..'",
        "slashless key|sysctl/kernel.sysrq|kernel.sysrq|<applier>/<name>",
        "newline in key|yum/epel|yum/epel\\n[main]|not valid",
        "bad format|cscs/changeset/v1|cscs/changeset/v2|is not cscs/changeset/v1",
        "bad op|\"op\":\"delete\"|\"op\":\"remove\"|not put or delete",
        "non-UTC time|16:00:00Z|16:00:00+01:00|RFC 3339 UTC",
        "uppercase digest|\"sha256:0000|\"sha256:ABCD|sha256:<64 lowercase hex>",
        "delete with value|\"key\":\"sysctl/kernel.sysrq\"}|\"key\":\"sysctl/kernel.sysrq\",\"value\":1}|has no value",
        "repeated key|sysctl/kernel.sysrq|yum/epel|appears twice",
    })
    void malformedInputIsRejectedWithAPreciseReason(String name, String from, String to, String reason) {
        String json = VALID.replace(from, to.replace("\\n", "\\\\n"));
        assertThat(json).as("test setup").isNotEqualTo(VALID);
        assertThatThrownBy(() -> parse(json))
                .isInstanceOfSatisfying(CscsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED))
                .hasMessageContaining(reason);
    }

    @Test
    void oversizeInputIsTooLargeBeforeParsing() {
        Limits small = new Limits(2048, 64, 2, 8, 2);
        String bigValue = VALID.replace("{\"gpgcheck\":true}", "\"" + "x".repeat(100) + "\"");
        assertThatThrownBy(() -> ChangesetCodec.parse(bigValue.getBytes(StandardCharsets.UTF_8), small))
                .isInstanceOfSatisfying(CscsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE))
                .hasMessageContaining("ops[0].value");
        byte[] huge = new byte[4096];
        Arrays.fill(huge, (byte) ' ');
        assertThatThrownBy(() -> ChangesetCodec.parse(huge, small))
                .isInstanceOfSatisfying(CscsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE));
        String threeOps = VALID.replace("\"ops\":[", "\"ops\":[{\"op\":\"delete\",\"key\":\"yum/x\"},");
        assertThatThrownBy(() -> ChangesetCodec.parse(threeOps.getBytes(StandardCharsets.UTF_8), small))
                .isInstanceOfSatisfying(CscsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE));
    }

    @Test
    void deepNestingIsMalformed() {
        String deep = VALID.replace("{\"gpgcheck\":true}", "[".repeat(40) + "]".repeat(40));
        assertThat(codeOf(deep)).isEqualTo(ErrorCode.MALFORMED);
    }

    @Test
    void signaturesMustBeCanonicalBase64() {
        ChainState state = Chains.state();
        Changeset cs = Chains.signed(Chains.next(state, "global", Chains.put("sysctl/a", "{\"value\":\"1\"}")), Chains.signerB());
        String json = new String(ChangesetCodec.toCompactJson(cs), StandardCharsets.UTF_8);
        String sig = cs.signatures().get(0).sig();
        // Ed25519: 64 bytes = 86 characters + "==", the last character carries 2 bits and 4 unused ones.
        char last = sig.charAt(85);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        char sibling = alphabet.charAt(alphabet.indexOf(last) ^ 1);
        String mutated = json.replace(sig, sig.substring(0, 85) + sibling + "==");
        assertThat(Base64.getDecoder().decode(sig.substring(0, 85) + sibling + "=="))
                .as("the decoder alone would accept it").isEqualTo(cs.signatures().get(0).bytes());
        assertThatThrownBy(() -> parse(mutated)).hasMessageContaining("not canonical base64");
    }

    @Test
    void trustChangesetsAreOnePutOfPolicy() {
        String trust = VALID.replace("factory-a", "_trust");
        assertThatThrownBy(() -> parse(trust)).hasMessageContaining("one key, \"policy\"");
    }
}
