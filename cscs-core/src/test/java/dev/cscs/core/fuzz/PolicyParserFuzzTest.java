package dev.cscs.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.json.StrictJson;
import dev.cscs.core.trust.PolicyCodec;
import dev.cscs.core.trust.TrustPolicy;

/** Any bytes given to the trust policy parser end in a policy or a typed error; a parsed policy round-trips. */
class PolicyParserFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void parsePolicy(byte[] input) {
        TrustPolicy policy;
        try {
            JsonNode tree = StrictJson.parse(input, 16, "policy");
            policy = PolicyCodec.parse(tree);
        } catch (CscsException expected) {
            return;
        }
        if (!PolicyCodec.parse(PolicyCodec.toTree(policy)).equals(policy)) {
            throw new IllegalStateException("policy does not round-trip");
        }
    }
}
