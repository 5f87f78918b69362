package dev.cscs.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Malformed JSON is explained in our words, with where it is; no parser internals reach the user. */
class StrictJsonErrorTextTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{bad|line 1, column 2|$",
            "abc|line 1, column 1|$",
            "`{\"a\":1`|line 1, column 7|$.a",
            "`{\"a\":\"x`|line 1, column 8|$.a",
            "`[1,]`|line 1, column 4|$[1]",
            "`{\"a\":[1 2]}`|line 1, column 9|$.a[1]",
            "`{\"a\":tru}`|line 1, column 6|$.a",
            "`{\"k\":\"\u0001\"}`|line 1, column 7|$.k",
            "`{\"a\" 1}`|line 1, column 6|$.a",
            "`'single'`|line 1, column 1|$",
            "`12345678901234567890123456789012345678901234567890`|line 1, column 51|$",
    })
    void malformedJsonSaysWhatAndWhereInOurWords(String input, String where, String path) {
        CscsException e = catchThrowableOfType(
                () -> StrictJson.parse(input.getBytes(StandardCharsets.UTF_8), 10, "value of x"), CscsException.class);
        assertThat(e).as(input).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED);
        assertThat(e.getMessage())
                .startsWith("value of x: ")
                .contains(where)
                .contains("(" + path + ")")
                .doesNotContain("Source", "REDACTED", "StreamReadFeature", "(code ", "was expecting", "Jackson",
                        "JsonParser", "Feature", "\n");
    }
}
