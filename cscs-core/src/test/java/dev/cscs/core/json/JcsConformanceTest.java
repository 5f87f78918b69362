package dev.cscs.core.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** RFC 8785 §3.2.2 and §3.2.3, and appendix B number samples, byte for byte. */
class JcsConformanceTest {
    @Test
    void rfc8785Section322Example() {
        String input = "{\n"
                + "  \"numbers\": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],\n"
                + "  \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n"
                + "  \"literals\": [null, true, false]\n"
                + "}";
        assertThat(Jcs.canonicalize(input)).isEqualTo(
                "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
                        + "\"string\":\"€$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
    }

    @Test
    void rfc8785Section323SortingByUtf16CodeUnits() {
        String input = "{\n"
                + "  \"\\u20ac\": \"Euro Sign\",\n"
                + "  \"\\r\": \"Carriage Return\",\n"
                + "  \"\\ufb33\": \"Hebrew Letter Dalet With Dagesh\",\n"
                + "  \"1\": \"One\",\n"
                + "  \"\\ud83d\\ude00\": \"Emoji: Grinning Face\",\n"
                + "  \"\\u0080\": \"Control\",\n"
                + "  \"\\u00f6\": \"Latin Small Letter O With Diaeresis\"\n"
                + "}";
        String expected = "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\","
                + "\"ö\":\"Latin Small Letter O With Diaeresis\",\"€\":\"Euro Sign\","
                + "\"\uD83D\uDE00\":\"Emoji: Grinning Face\",\"\uFB33\":\"Hebrew Letter Dalet With Dagesh\"}";
        assertThat(Jcs.canonicalize(input)).isEqualTo(expected);
    }

    @Test
    void rfc8785AppendixBNumbers() {
        String[][] samples = {
            {"0", "0"}, {"-0", "0"}, {"1e21", "1e+21"}, {"1e20", "100000000000000000000"},
            {"9007199254740992", "9007199254740992"}, {"-1.5e-7", "-1.5e-7"}, {"0.000001", "0.000001"},
        };
        for (String[] s : samples) {
            assertThat(Jcs.canonicalize("[" + s[0] + "]")).as(s[0]).isEqualTo("[" + s[1] + "]");
        }
    }

    @Test
    void scalarsAtTheTopLevelAreCanonicalToo() {
        assertThat(Jcs.canonicalString(StrictJson.parse("\"\\u00e9\"".getBytes(StandardCharsets.UTF_8), 8, "doc"))).isEqualTo("\"é\"");
        assertThat(Jcs.canonicalString(StrictJson.parse("-42".getBytes(StandardCharsets.UTF_8), 8, "doc"))).isEqualTo("-42");
        assertThat(Jcs.canonicalString(StrictJson.parse("null".getBytes(StandardCharsets.UTF_8), 8, "doc"))).isEqualTo("null");
    }

    @Test
    void theStrictTreePathGivesTheSameBytesAsTheTextPath() {
        String doc = "{\"z\":[1,-2,{\"b\":\"\\u00e9\\n\",\"a\":true}],\"a\":null}";
        byte[] viaTree = Jcs.canonicalize(StrictJson.parse(doc.getBytes(StandardCharsets.UTF_8), 8, "doc"));
        assertThat(new String(viaTree, StandardCharsets.UTF_8)).isEqualTo(Jcs.canonicalize(doc))
                .isEqualTo("{\"a\":null,\"z\":[1,-2,{\"a\":true,\"b\":\"é\\n\"}]}");
    }
}
