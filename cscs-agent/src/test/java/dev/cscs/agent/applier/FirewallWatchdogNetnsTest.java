package dev.cscs.agent.applier;

import static dev.cscs.agent.applier.Support.entry;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cscs.core.testing.Eventually;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commit-confirm survives the daemon: a JVM that loaded a ruleset is killed with SIGKILL while
 * it waits for the confirmation, and the detached watchdog, not the dead JVM, restores the
 * previous table in the namespace; a daemon that restarts inside the window rolls back first
 * and the old watchdog then does nothing. Everything runs in a network namespace of its own.
 */
class FirewallWatchdogNetnsTest {
    static final List<DesiredEntry> BEFORE = List.of(entry("global", "base", "{\"policy\": \"drop\"}"));
    final FirewallApplier fw = new FirewallApplier(() -> false);
    @TempDir
    Path root;
    @TempDir
    Path work;
    Path state;
    Netns ns;

    @BeforeEach
    void namespace() {
        Tools.require("nft", "nftables");
        Tools.require("setsid", "util-linux");
        ns = new Netns();
        state = work.resolve("state");
    }

    @AfterEach
    void cleanup() {
        ns.close();
    }

    ApplyContext ctx() {
        return FirewallConfirmChild.context(root, state, ns.name, Reachability.assumed());
    }

    /** `nft list table inet cscs` in the namespace, or empty when there is no such table. */
    String listing() {
        var r = ns.run("nft", "list", "table", "inet", "cscs");
        return r.exit() == 0 ? r.out() : "";
    }

    /** Starts the child JVM, waits until it is inside commit-confirm, and kills it with SIGKILL. */
    void applyAndKillDuringConfirm() throws Exception {
        Path confirming = work.resolve("confirming");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                FirewallConfirmChild.class.getName(), root.toString(), state.toString(), ns.name, confirming.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("child.log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        try {
            Eventually.await("the child inside commit-confirm", Duration.ofSeconds(60),
                    () -> Files.exists(confirming) || !child.isAlive());
            assertThat(child.isAlive()).as("child still confirming; its log: %s", log()).isTrue();
        } finally {
            // SIGKILL: no finally block, shutdown hook or rollback runs in the child
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void afterTheDaemonIsKilledDuringCommitConfirmTheWatchdogRestoresThePreviousTable() throws Exception {
        Support.converge(fw, BEFORE, ctx());
        String before = listing();
        applyAndKillDuringConfirm();
        assertThat(listing()).as("the unconfirmed ruleset is in force while the window runs").isNotEqualTo(before);

        Duration window = FirewallApplier.window(FirewallConfirmChild.context(root, state, ns.name, Reachability.assumed()));
        Eventually.await("the watchdog restoring the previous table", window.plusSeconds(20),
                () -> listing().equals(before) && FirewallWatchdog.left(ctx()).isEmpty());
        assertThat(listing()).isEqualTo(before);
        assertThat(FirewallWatchdog.left(ctx())).isEmpty();
        // the next round sees the table differs from the desired one and loads it again, with a new commit-confirm
        assertThat(fw.plan(FirewallApplierTest.desired(), ctx()).live()).hasSize(1);
    }

    @Test
    void withNoTableBeforeTheWatchdogDeletesTheUnconfirmedOne() throws Exception {
        applyAndKillDuringConfirm();
        assertThat(listing()).isNotEmpty();
        Eventually.await("the watchdog deleting the unconfirmed table", FirewallApplier.window(ctx()).plusSeconds(20),
                () -> listing().isEmpty());
        assertThat(ns.run("nft", "list", "tables").requireOk().out()).isEmpty();
    }

    @Test
    void aDaemonRestartedInsideTheWindowRollsBackFirstAndTheOldWatchdogThenDoesNothing() throws Exception {
        Support.converge(fw, BEFORE, ctx());
        applyAndKillDuringConfirm();
        List<String> left = FirewallWatchdog.left(ctx());
        assertThat(left).hasSize(1);

        // as the agent does at start: the interrupted apply's files are rolled back first
        assertThat(fw.recover(ctx())).isPresent();
        Plan plan = fw.plan(FirewallApplierTest.desired(), ctx());
        assertThat(plan.live()).hasSize(2).first().isEqualTo(new LiveAction.NftRollBackUnconfirmed(left.get(0)));
        Applied applied = fw.apply(plan, ctx());
        fw.verify(applied, ctx());
        String confirmed = listing();
        assertThat(FirewallWatchdog.left(ctx())).isEmpty();

        Eventually.await("the old watchdog exiting", FirewallApplier.window(ctx()).plusSeconds(20), () -> watchdogs().isEmpty());
        assertThat(listing()).as("no watchdog restored an old table over the confirmed one").isEqualTo(confirmed);
        assertThat(fw.plan(FirewallApplierTest.desired(), ctx()).isEmpty()).isTrue();
    }

    /** Watchdog processes of this test, still sleeping or acting. */
    List<ProcessHandle> watchdogs() {
        return ProcessHandle.allProcesses().filter(p -> p.info().arguments().map(a -> String.join(" ", a))
                .filter(a -> a.contains("cscs-firewall-watchdog") && a.contains(state.toString())).isPresent()).toList();
    }

    String log() {
        try {
            return Files.readString(work.resolve("child.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

}
