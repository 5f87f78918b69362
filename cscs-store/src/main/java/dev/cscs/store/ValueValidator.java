package dev.cscs.store;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The applier schema check, run before a changeset reaches the log. The store does not know
 * the appliers (they belong to the agent); the daemon wires them in.
 */
@FunctionalInterface
public interface ValueValidator {
    /** Throws {@link dev.cscs.core.error.CscsException} with {@code INVALID_VALUE} when {@code value} does not fit {@code key}. */
    void validate(String domain, String key, JsonNode value);

    ValueValidator NONE = (domain, key, value) -> { };
}
