package dev.cscs.agent.edge;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cscs.agent.status.StatusReport;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.sse.SseParser;
import java.util.ArrayList;
import java.util.List;

/**
 * What an edge agent reads from the network, a server's watch stream (SSE framing and event
 * JSON) and status reports, ends in a value or a typed error: no other exception, no hang.
 */
class EdgeInputFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void decode(FuzzedDataProvider data) {
        try {
            if (data.consumeBoolean()) {
                StatusReport.fromJson(data.consumeRemainingAsBytes());
                return;
            }
            List<SseParser.Event> events = new ArrayList<>();
            SseParser parser = new SseParser(events::add, 1 << 16);
            for (String line : data.consumeRemainingAsString().split("\n", 200)) {
                parser.line(line);
            }
            parser.line("");
            for (SseParser.Event e : events) {
                WatchDecoder.decode(e);
            }
        } catch (CscsException | IllegalStateException expected) {
            // typed rejection; IllegalStateException is SseParser's oversized-event refusal
        }
    }
}
