package dev.cscs.agent.applier;

import java.util.Optional;

/**
 * One change to live kernel or service state, done only when {@link ApplyContext#live()}.
 * Apply records the inverse of each action it performed in {@link Applied#undo()}, which is how
 * rollback puts the live state back.
 */
public sealed interface LiveAction {
    String describe();

    /**
     * The file (relative to the root) this action makes live, if any. While that path is a
     * conflict (a file cscs did not write), the action is dropped from the plan: cscs never
     * loads someone else's file.
     */
    default Optional<String> loads() {
        return Optional.empty();
    }

    /** Write {@code /proc/sys/…} for {@code name} and read it back. */
    record SysctlSet(String name, String value) implements LiveAction {
        @Override
        public String describe() {
            return "sysctl " + name + " = " + value;
        }
    }

    /**
     * Load the ruleset file at {@code path} with {@code nft -f}. {@code shape} is what
     * {@code nft list table inet cscs} must show afterwards (chains, policies, rule counts).
     */
    record NftLoad(String path, String shape) implements LiveAction {
        @Override
        public String describe() {
            return "nft -f " + path;
        }

        @Override
        public Optional<String> loads() {
            return Optional.of(path);
        }
    }

    /** Remove table {@code inet cscs} from the kernel (the last firewall key was deleted). */
    record NftDeleteTable() implements LiveAction {
        @Override
        public String describe() {
            return "nft delete table inet cscs";
        }
    }

    /** Undo only: load back the table as {@code nft list table inet cscs} printed it; empty = no table. */
    record NftRestore(String listing) implements LiveAction {
        @Override
        public String describe() {
            return listing.isEmpty() ? "nft delete table inet cscs (it did not exist)" : "nft restore previous table inet cscs";
        }
    }

    /**
     * Finish an apply whose daemon died before commit-confirm: claim the pending record
     * {@code token} of {@link FirewallWatchdog} and load the table it saved.
     */
    record NftRollBackUnconfirmed(String token) implements LiveAction {
        @Override
        public String describe() {
            return "nft roll back the unconfirmed ruleset of an interrupted apply";
        }
    }

    /** Make the running sshd re-read its configuration. */
    record SshdReload() implements LiveAction {
        @Override
        public String describe() {
            return "reload sshd";
        }
    }

    /** {@code systemctl daemon-reload}, so systemd sees new or removed masks. */
    record SystemdReload() implements LiveAction {
        @Override
        public String describe() {
            return "systemctl daemon-reload";
        }
    }

    /** Stop a unit that is masked or disabled but still running. */
    record UnitStop(String unit) implements LiveAction {
        @Override
        public String describe() {
            return "systemctl stop " + unit;
        }
    }

    /** Undo only: start a unit that was running before apply stopped it. */
    record UnitStart(String unit) implements LiveAction {
        @Override
        public String describe() {
            return "systemctl start " + unit;
        }
    }
}
