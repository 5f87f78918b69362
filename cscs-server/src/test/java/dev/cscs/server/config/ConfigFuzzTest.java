package dev.cscs.server.config;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Any config file text ends in a config or a bad-config error naming where: no other exception, no hang. */
class ConfigFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void parseConfig(byte[] input) {
        try {
            ConfigLoader.parse(new String(input, StandardCharsets.UTF_8), Path.of("fuzz.yaml"));
        } catch (CscsException e) {
            if (e.code() != ErrorCode.BAD_CONFIG) {
                throw new IllegalStateException("config errors must be bad-config, got " + e.code(), e);
            }
        }
    }
}
