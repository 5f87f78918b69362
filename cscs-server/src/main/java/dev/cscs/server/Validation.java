package dev.cscs.server;

import dev.cscs.agent.applier.Appliers;
import dev.cscs.store.ValueValidator;

/** Wires the agent's applier schemas into the store's submit-time check. */
final class Validation {
    private Validation() {
    }

    /** Every value is checked against its applier's schema, whichever appliers this node runs. */
    static ValueValidator appliers() {
        return (domain, key, value) -> Appliers.validate(key, value);
    }
}
