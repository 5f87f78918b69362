package dev.cscs.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

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

        assertThat(Postmortem.raftGauges(exposition)).containsExactly(entry("term", "4"), entry("commit_index", "961"),
                entry("applied_index", "836"), entry("has_leader", "1"), entry("role", "listener"));
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
