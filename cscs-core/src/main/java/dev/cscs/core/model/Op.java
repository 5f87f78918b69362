package dev.cscs.core.model;

import com.fasterxml.jackson.databind.JsonNode;

/** One operation of a changeset. Values are never mutated once parsed. */
public sealed interface Op permits Op.Put, Op.Delete {
    String key();

    record Put(String key, JsonNode value) implements Op {
    }

    record Delete(String key) implements Op {
    }
}
