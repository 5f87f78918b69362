package dev.cscs.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StrictJsonTest {
    private static JsonNode parse(String s) {
        return StrictJson.parse(s.getBytes(StandardCharsets.UTF_8), 8, "doc");
    }

    @Test
    void duplicateMemberNamesAreRejectedWithTheirPath() {
        assertThatThrownBy(() -> parse("{\"a\":{\"b\":1,\"b\":2}}"))
                .isInstanceOfSatisfying(CscsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED))
                .hasMessageContaining("duplicate member name \"b\"")
                .hasMessageContaining("$.a.b")
                .hasMessageContaining("line 1");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "[1.0]|not an integer",
        "[1e2]|not an integer",
        "[-0]|canonical form",
        "[9007199254740992]|outside",
        "[-9007199254740992]|outside",
        "[012]|invalid JSON",
    })
    void nonCanonicalOrUnsafeNumbersAreRejected(String doc, String why) {
        assertThatThrownBy(() -> parse(doc)).isInstanceOf(CscsException.class).hasMessageContaining(why);
    }

    @Test
    void safeIntegersAreKeptExactly() {
        assertThat(parse("[9007199254740991,-9007199254740991,0]").toString()).isEqualTo("[9007199254740991,-9007199254740991,0]");
    }

    @Test
    void nestingBeyondTheLimitIsRejected() {
        assertThat(parse("[".repeat(8) + "]".repeat(8))).isNotNull();
        assertThatThrownBy(() -> parse("[".repeat(9) + "]".repeat(9))).hasMessageContaining("deeper than 8");
        assertThatThrownBy(() -> parse("[".repeat(100_000))).isInstanceOf(CscsException.class);
    }

    @Test
    void encodingProblemsAreRejected() {
        byte[] bom = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf, '{', '}'};
        assertThatThrownBy(() -> StrictJson.parse(bom, 8, "doc")).hasMessageContaining("byte-order mark");
        byte[] latin1 = {'"', (byte) 0xe9, '"'};
        assertThatThrownBy(() -> StrictJson.parse(latin1, 8, "doc")).hasMessageContaining("not valid UTF-8");
        assertThatThrownBy(() -> parse("\"\\ud800\"")).hasMessageContaining("lone UTF-16 surrogate");
        assertThat(parse("\"\\ud83d\\ude00\"").textValue()).isEqualTo("\uD83D\uDE00");
    }

    @Test
    void trailingContentAndEmptyInputAreRejected() {
        assertThatThrownBy(() -> parse("{} {}")).hasMessageContaining("after the end");
        assertThatThrownBy(() -> parse("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> parse("{\"a\":1,}")).hasMessageContaining("invalid JSON");
    }
}
