package dev.cscs.agent.applier;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.model.Names;
import java.util.List;
import java.util.Optional;

/** The six appliers of DESIGN.md §5, in the order the agent runs them. Stateless; shared by every caller. */
public final class Appliers {
    private static final List<Applier> ALL = List.of(new YumApplier(), new AptApplier(), new SysctlApplier(),
            new FirewallApplier(), new SshdApplier(), new ServiceApplier());

    private Appliers() {
    }

    /** yum, apt, sysctl, firewall, sshd, service. */
    public static List<Applier> all() {
        return ALL;
    }

    public static Optional<Applier> byName(String name) {
        return ALL.stream().filter(a -> a.name().equals(name)).findFirst();
    }

    /**
     * Validates the value of a full key {@code <applier>/<name>}, as the HTTP API does at submit
     * time: an unknown applier or a bad key is {@code INVALID_VALUE} too.
     */
    public static void validate(String key, JsonNode value) {
        int slash = key == null ? -1 : key.indexOf('/');
        if (slash < 0) {
            throw new CscsException(ErrorCode.INVALID_VALUE, "key " + Names.shown(key) + " is not of the form <applier>/<name>");
        }
        String applier = key.substring(0, slash);
        // the applier checks the name itself, with a more precise message than the grammar alone
        byName(applier).orElseThrow(() -> new CscsException(ErrorCode.INVALID_VALUE, Names.shown(key)
                + ": no applier named " + Names.shown(applier) + "; known: yum, apt, sysctl, firewall, sshd, service"))
                .validate(key.substring(slash + 1), value);
    }
}
