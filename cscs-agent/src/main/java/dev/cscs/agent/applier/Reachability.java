package dev.cscs.agent.applier;

import java.time.Duration;

/**
 * The firewall's commit-confirm question, injected by the caller: can this node still reach (and
 * be reached by) the cluster? Implementations poll until {@code within} has passed and answer
 * {@code false} if the cluster stayed out of reach; they must not block much longer than that.
 */
@FunctionalInterface
public interface Reachability {
    boolean reachable(Duration within);

    /** For a node with no cluster to lose (a single device, an offline image): always reachable. */
    static Reachability assumed() {
        return within -> true;
    }
}
