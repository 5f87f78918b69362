package dev.cscs.agent.applier;

import dev.cscs.agent.os.CommandRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The daemon that dies during commit-confirm, as a JVM of its own so a test can kill -9 it:
 * applies {@link FirewallApplierTest#desired()} live inside network namespace {@code args[2]},
 * and when commit-confirm asks whether the node is reachable, writes {@code args[3]} and hangs.
 */
final class FirewallConfirmChild {
    static final Duration CONFIRM = Duration.ofSeconds(1);
    static final Duration COMMAND = Duration.ofSeconds(3);

    private FirewallConfirmChild() {
    }

    static ApplyContext context(Path root, Path stateDir, String netns, Reachability reachability) {
        return ApplyContext.builder(root).runner(CommandRunner.system(List.of("ip", "netns", "exec", netns)))
                .clock(Support.CLOCK).live(true).protectedPorts(List.of(7400)).stateDir(stateDir)
                .reachability(reachability, CONFIRM).commandTimeout(COMMAND).build();
    }

    public static void main(String[] args) throws Exception {
        Path confirming = Path.of(args[3]);
        ApplyContext ctx = context(Path.of(args[0]), Path.of(args[1]), args[2], within -> {
            try {
                Files.writeString(confirming, "confirming\n");
                // bounded: the test kills this JVM long before
                Thread.sleep(120_000);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return true;
        });
        FirewallApplier fw = new FirewallApplier(() -> false);
        fw.apply(fw.plan(FirewallApplierTest.desired(), ctx), ctx);
        System.exit(3);
    }
}
