package dev.cscs.agent.applier;

import dev.cscs.agent.os.CommandRunner;
import dev.cscs.agent.os.NoFollow;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Everything an applier may touch, injected by the caller.
 *
 * @param root            every path an applier reads or writes is under it ({@code /} on a device)
 * @param runner          runs the real tools; its live prefix (if any) wraps live commands
 * @param clock           time of {@link Applied#at()}
 * @param live            whether to touch live kernel and services (/proc/sys, nft -f, systemctl);
 *                        the caller sets it only when root is {@code /}, tests set it explicitly
 * @param protectedPorts  TCP ports the node must stay reachable on (API, Raft): the firewall
 *                        accepts them before any rule unless an entry sets {@code allowLockout}
 * @param reachability    commit-confirm check after a live firewall change
 * @param confirmTimeout  how long the node may take to reach the cluster again
 * @param commandTimeout  deadline of each tool invocation
 * @param stateDir        the agent's state directory: the ownership manifest, the apply intents,
 *                        the quarantine, and the records that must outlive a crash of the
 *                        daemon (an sshd reload still owed, an unconfirmed firewall ruleset)
 */
public record ApplyContext(Path root, CommandRunner runner, Clock clock, boolean live, List<Integer> protectedPorts,
                           Reachability reachability, Duration confirmTimeout, Duration commandTimeout, Path stateDir) {
    public ApplyContext {
        Objects.requireNonNull(root, "root");
        if (!root.isAbsolute()) {
            throw new IllegalArgumentException("root must be an absolute path: " + root);
        }
        root = root.normalize();
        Objects.requireNonNull(runner, "runner");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(reachability, "reachability");
        Objects.requireNonNull(confirmTimeout, "confirmTimeout");
        Objects.requireNonNull(commandTimeout, "commandTimeout");
        stateDir = Objects.requireNonNull(stateDir, "stateDir").toAbsolutePath().normalize();
        TreeSet<Integer> ports = new TreeSet<>();
        for (Integer p : protectedPorts) {
            if (p == null || p < 1 || p > 65535) {
                throw new IllegalArgumentException("protected port out of range: " + p);
            }
            ports.add(p);
        }
        protectedPorts = List.copyOf(ports);
    }

    public static Builder builder(Path root) {
        return new Builder(root);
    }

    /**
     * {@code relative} resolved under the root. Appliers build relative paths from fixed
     * directories and checked key names; this is the last guard that nothing escapes the root,
     * lexically ({@code ..}) or through a symlinked directory, which is refused with the link and
     * its target named ({@link NoFollow}). The final component may be a link: it is read, never
     * followed. Call it right before each use: a link can appear after the plan.
     */
    public Path path(String relative) {
        return NoFollow.under(root, checked(relative));
    }

    /** Like {@link #path}, for a directory an applier lists: the directory itself must not be a link either. */
    public Path directory(String relative) {
        return NoFollow.directoryUnder(root, checked(relative));
    }

    private String checked(String relative) {
        Path rel = Path.of(relative);
        Path resolved = root.resolve(rel).normalize();
        if (rel.isAbsolute() || !resolved.startsWith(root) || resolved.equals(root)) {
            throw new CscsException(ErrorCode.INTERNAL, "path " + relative + " escapes the root " + root);
        }
        return root.relativize(resolved).toString();
    }

    /** Fluent construction with safe defaults: not live, the system runner, no protected ports. */
    public static final class Builder {
        private final Path root;
        private CommandRunner runner = CommandRunner.system();
        private Clock clock = Clock.systemUTC();
        private boolean live;
        private Collection<Integer> protectedPorts = List.of();
        private Reachability reachability = Reachability.assumed();
        private Duration confirmTimeout = Duration.ofSeconds(10);
        private Duration commandTimeout = Duration.ofSeconds(30);
        private Path stateDir;

        private Builder(Path root) {
            this.root = root;
        }

        public Builder runner(CommandRunner r) {
            this.runner = r;
            return this;
        }

        public Builder clock(Clock c) {
            this.clock = c;
            return this;
        }

        public Builder live(boolean l) {
            this.live = l;
            return this;
        }

        public Builder protectedPorts(Collection<Integer> ports) {
            this.protectedPorts = List.copyOf(ports);
            return this;
        }

        public Builder reachability(Reachability r, Duration within) {
            this.reachability = r;
            this.confirmTimeout = within;
            return this;
        }

        public Builder commandTimeout(Duration d) {
            this.commandTimeout = d;
            return this;
        }

        /** Default: {@code var/lib/cscs/agent} under the root, where a device keeps it. */
        public Builder stateDir(Path dir) {
            this.stateDir = dir;
            return this;
        }

        public ApplyContext build() {
            Path state = stateDir != null ? stateDir : root.resolve("var/lib/cscs/agent");
            return new ApplyContext(root, runner, clock, live, List.copyOf(protectedPorts), reachability,
                    confirmTimeout, commandTimeout, state);
        }
    }
}
