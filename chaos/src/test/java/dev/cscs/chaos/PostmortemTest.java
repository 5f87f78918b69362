package dev.cscs.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The postmortem finds, in a real HotSpot thread dump, the Raft threads and where they wait. */
class PostmortemTest {
    @Test
    void aThreadDumpYieldsTheStateMachineThreadWithItsStackAndNothingElse() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch parked = new CountDownLatch(1);
        Thread updater = new Thread(() -> {
            parked.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "n5@group-1-StateMachineUpdater");
        updater.setDaemon(true);
        updater.start();
        try {
            assertThat(parked.await(10, TimeUnit.SECONDS)).isTrue();
            List<String> threads = Postmortem.raftThreads(ownThreadDump());

            assertThat(threads).isNotEmpty();
            assertThat(threads.get(0)).startsWith("\"n5@group-1-StateMachineUpdater\"");
            assertThat(threads).anyMatch(l -> l.contains("java.lang.Thread.State: WAITING"));
            assertThat(threads).anyMatch(l -> l.contains("CountDownLatch.await"));
            assertThat(threads).noneMatch(l -> l.startsWith("\"main\"") || l.startsWith("\"Reference Handler\""));
        } finally {
            release.countDown();
        }
    }

    @Test
    void theRaftGaugesAreReadFromAnExpositionWithTheCurrentRoleOnly() {
        String exposition = String.join("\n",
                "# HELP cscs_raft_term Current Raft term as this node knows it.",
                "# TYPE cscs_raft_term gauge",
                "cscs_raft_term 4.0",
                "cscs_raft_commit_index 961.0",
                "cscs_raft_applied_index 836.0",
                "cscs_raft_has_leader 1.0",
                "cscs_raft_leader_changes_total 3.0",
                "cscs_raft_role{role=\"leader\"} 0.0",
                "cscs_raft_role{role=\"follower\"} 0.0",
                "cscs_raft_role{role=\"listener\"} 1.0",
                "cscs_submit_latency_seconds_count 12.0", "");

        assertThat(Postmortem.raftView(exposition)).contains(new Postmortem.RaftView(4, 961, 836, true, "listener"));
    }

    @Test
    void aNodeWhoseRaftGroupIsNotRunningHasNoView() {
        // RaftCollector then gives the roles only, all at 0
        String exposition = String.join("\n", "cscs_raft_leader_changes_total 3.0", "cscs_raft_role{role=\"leader\"} 0.0",
                "cscs_raft_role{role=\"follower\"} 0.0", "cscs_raft_role{role=\"listener\"} 0.0", "");

        assertThat(Postmortem.raftView(exposition)).isEmpty();
        assertThat(Postmortem.raftView(exposition.replace("listener\"} 0.0", "listener\"} 1.0"))).isEmpty();
    }

    @Test
    void theLastWarningsAndErrorsOfALogAreKeptInOrderAndNothingElse() {
        List<String> log = List.of(
                "2026-12-03T14:00:00.001Z INFO  [main] d.c.s.Daemon - started",
                "2026-12-03T14:00:01.002Z WARN  [n5-server] o.a.r.s.i.RaftServerImpl - first",
                "2026-12-03T14:00:02.003Z ERROR [n5-updater] o.a.r.s.i.StateMachineUpdater - second",
                "\tat org.apache.ratis.server.impl.StateMachineUpdater.run(StateMachineUpdater.java:190)",
                "2026-12-03T14:00:03.004Z INFO  [n5-server] d.c.s.r.RaftNode - a line that says WARN in its text",
                "2026-12-03T14:00:04.005Z WARN  [n5-server] o.a.r.s.i.RaftServerImpl - third");

        assertThat(Postmortem.lastTroubles(log, 2)).containsExactly(log.get(2), log.get(5));
        assertThat(Postmortem.lastTroubles(log, 20)).containsExactly(log.get(1), log.get(2), log.get(5));
    }

    /** jcmd's Thread.print writes what SIGQUIT makes a JVM print to its output. */
    private static String ownThreadDump() throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(ProcessHandle.current().pid()), "Thread.print")
                .redirectErrorStream(true).start();
        String dump = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return dump;
    }
}
