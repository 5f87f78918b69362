package dev.cscs.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.core.constraint.Constraints;
import dev.cscs.core.constraint.Violation;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.json.StrictJson;
import dev.cscs.core.model.KeyPath;
import dev.cscs.core.model.Names;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Any constraints document ends in a typed {@code malformed} error or in constraints that
 * round-trip through their JSON; checking any JSON value against them never throws, gives the
 * same verdict twice, names only constraints of the key's own applier, and finds nothing where
 * the applier is unconstrained. Input: the constraints JSON, a newline, the key, a newline, the value.
 */
class ConstraintsFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void checkConstraints(byte[] input) {
        String[] parts = new String(input, StandardCharsets.UTF_8).split("\n", 3);
        if (parts.length < 3) {
            return;
        }
        Constraints c;
        try {
            c = Constraints.parse(StrictJson.parse(parts[0].getBytes(StandardCharsets.UTF_8), 16, "constraints"), "constraints");
        } catch (CscsException e) {
            if (e.code() != ErrorCode.MALFORMED && e.code() != ErrorCode.TOO_LARGE) {
                throw new IllegalStateException("a bad constraints document gave " + e.code(), e);
            }
            return;
        }
        if (!Constraints.parse(c.toTree(), "constraints").equals(c)) {
            throw new IllegalStateException("constraints do not round-trip: " + c.toTree());
        }
        c.describe();
        KeyPath key;
        JsonNode value;
        try {
            key = KeyPath.parse(parts[1]);
            value = StrictJson.parse(parts[2].getBytes(StandardCharsets.UTF_8), 16, "value");
        } catch (CscsException e) {
            return;
        }
        List<Violation> first = c.check(key.toString(), value);
        if (!first.equals(c.check(key.toString(), value))) {
            throw new IllegalStateException("two checks of one value disagree");
        }
        for (Violation v : first) {
            if (!v.constraint().startsWith(key.applier() + ".") || !v.key().equals(key.toString())) {
                throw new IllegalStateException("a violation of " + key + " names " + v.constraint());
            }
        }
        if (!c.byApplier().containsKey(key.applier()) && !first.isEmpty()) {
            throw new IllegalStateException("an unconstrained applier has violations: " + first);
        }
        if (!Names.isApplier(key.applier())) {
            throw new IllegalStateException(Arrays.toString(parts));
        }
    }
}
