package dev.cscs.server;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.model.KeyPath;
import dev.cscs.store.ValueValidator;
import java.util.List;

/** Wires the agent's applier schemas into the store's submit-time check. */
final class Validation {
    private Validation() {
    }

    static ValueValidator forAppliers(List<String> known) {
        return (domain, key, value) -> {
            String applier = KeyPath.parse(key).applier();
            if (!dev.cscs.server.config.ConfigLoader.ALL_APPLIERS.contains(applier)) {
                throw new CscsException(ErrorCode.INVALID_VALUE, key + ": there is no applier \"" + applier + "\" (known: "
                        + dev.cscs.server.config.ConfigLoader.ALL_APPLIERS + ")");
            }
            if (!value.isObject()) {
                throw new CscsException(ErrorCode.INVALID_VALUE, key + ": the value must be a JSON object");
            }
        };
    }
}
