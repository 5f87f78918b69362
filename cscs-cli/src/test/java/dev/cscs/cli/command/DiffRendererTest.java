package dev.cscs.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.core.json.Limits;
import dev.cscs.core.json.StrictJson;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DiffRendererTest {
    private static JsonNode json(String s) {
        return StrictJson.parse(s.getBytes(StandardCharsets.UTF_8), Limits.DEFAULT.maxDepth(), "test");
    }

    private static List<String> body(String rendered) {
        List<String> lines = Arrays.asList(rendered.split("\n"));
        return lines.subList(1, lines.size());
    }

    @Test
    void aOneFieldChangeIsOneMinusPlusPairWithContext() {
        String out = DiffRenderer.render("yum/epel",
                json("{\"name\":\"EPEL\",\"baseurl\":\"https://a.example/\",\"enabled\":true,\"gpgcheck\":true}"),
                json("{\"gpgcheck\":true,\"enabled\":true,\"name\":\"EPEL\",\"baseurl\":\"https://b.example/\"}"));
        assertThat(out).startsWith("~ yum/epel\n");
        List<String> body = body(out);
        assertThat(body.stream().filter(l -> l.startsWith("    - "))).containsExactly("    -   \"baseurl\" : \"https://a.example/\",");
        assertThat(body.stream().filter(l -> l.startsWith("    + "))).containsExactly("    +   \"baseurl\" : \"https://b.example/\",");
        assertThat(body).contains("        \"enabled\" : true,");
    }

    @Test
    void fieldOrderDoesNotMakeADifference() {
        assertThat(DiffRenderer.hunks(DiffRenderer.lines(json("{\"a\":1,\"b\":2}")), DiffRenderer.lines(json("{\"b\":2,\"a\":1}"))))
                .isEmpty();
    }

    @Test
    void addedAndRemovedKeysAreShownWhole() {
        assertThat(body(DiffRenderer.render("sysctl/x", null, json("{\"value\":\"0\"}"))))
                .containsExactly("    + {", "    +   \"value\" : \"0\"", "    + }");
        assertThat(DiffRenderer.render("sysctl/x", json("{\"value\":\"0\"}"), null)).startsWith("- sysctl/x\n    - {");
    }

    @Test
    void farAwayUnchangedLinesAreElided() {
        StringBuilder a = new StringBuilder("{");
        StringBuilder b = new StringBuilder("{");
        for (int i = 10; i < 30; i++) {
            a.append(i == 10 ? "" : ",").append("\"k").append(i).append("\":").append(i);
            b.append(i == 10 ? "" : ",").append("\"k").append(i).append("\":").append(i == 20 ? 99 : i);
        }
        List<String> h = DiffRenderer.hunks(DiffRenderer.lines(json(a + "}")), DiffRenderer.lines(json(b + "}")));
        assertThat(h).hasSize(1 + 3 + 2 + 3 + 1);
        assertThat(h.get(0)).startsWith("  ... (").contains("unchanged lines");
        assertThat(h).contains("-   \"k20\" : 20,", "+   \"k20\" : 99,");
    }
}
