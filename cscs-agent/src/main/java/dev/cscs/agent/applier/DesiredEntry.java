package dev.cscs.agent.applier;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One resolved key for one applier: the domain that won (later domains override earlier ones),
 * the key name after {@code <applier>/}, and the verified value.
 */
public record DesiredEntry(String domain, String name, JsonNode value) {
    public DesiredEntry {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }
}
