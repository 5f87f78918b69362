package dev.cscs.store;

import com.fasterxml.jackson.databind.JsonNode;

/** A current value with the seq and revision of the changeset that set it. */
public record KeyValue(String key, JsonNode value, long seq, long revision) {
}
