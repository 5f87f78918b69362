package dev.cscs.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.cli.http.ApiClient;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.model.KeyPath;

/** One key's current value, read linearizably; null when the domain does not hold it. */
final class CurrentValue {
    private CurrentValue() {
    }

    static JsonNode of(ApiClient api, String domain, String key) {
        KeyPath k = KeyPath.parse(key);
        try {
            return api.get("/v1/kv/" + domain + "/" + k.applier() + "/" + k.name()).path("value");
        } catch (CscsException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return null;
            }
            throw e;
        }
    }
}
