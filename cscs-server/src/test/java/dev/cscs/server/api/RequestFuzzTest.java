package dev.cscs.server.api;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cscs.agent.applier.Appliers;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.json.Limits;
import dev.cscs.store.ValueValidator;

/**
 * What the HTTP API decodes from clients (submissions, join requests, watch parameters) ends
 * in a value or a typed error: no other exception, no hang.
 */
class RequestFuzzTest {
    private static final Limits LIMITS = new Limits(64 << 10, 8 << 10, 64, 16, 8);
    private static final ValueValidator SCHEMAS = (domain, key, value) -> Appliers.validate(key, value);

    @FuzzTest(maxDuration = "60s")
    void decode(FuzzedDataProvider data) {
        int which = data.consumeInt(0, 3);
        try {
            switch (which) {
                case 0:
                    Requests.submission(data.consumeRemainingAsBytes(), LIMITS, SCHEMAS, false);
                    break;
                case 1:
                    Requests.submission(data.consumeRemainingAsBytes(), LIMITS, SCHEMAS, true);
                    break;
                case 2:
                    Requests.join(data.consumeRemainingAsBytes());
                    break;
                default:
                    Requests.watchDomains(data.consumeString(200));
                    Requests.watchFrom(data.consumeString(40), data.consumeRemainingAsString());
                    break;
            }
        } catch (CscsException expected) {
            // a typed rejection
        }
    }
}
