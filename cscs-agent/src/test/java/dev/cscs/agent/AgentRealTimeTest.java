package dev.cscs.agent;

import static dev.cscs.core.testing.Chains.put;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cscs.agent.status.ApplierState;
import dev.cscs.agent.status.StatusReport;
import dev.cscs.core.testing.Chains;
import dev.cscs.core.testing.Eventually;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The production wiring: the agent's own scheduler thread and the system clock, woken by the feed. */
class AgentRealTimeTest {
    @TempDir
    Path tmp;

    @Test
    void aPushedChangesetIsAppliedWithoutAnyonePolling() throws Exception {
        TestSource source = new TestSource();
        List<StatusReport> sent = new CopyOnWriteArrayList<>();
        AgentConfig config = AgentConfig.defaults("n1", List.of("global"), tmp.resolve("root"), tmp.resolve("state"))
                .withAppliers(List.of("yum", "sysctl"));
        try (Agent agent = Agent.builder(config).genesis(Chains.genesis(), null).feed(source).statusSink(sent::add)
                .runner(new ScriptedRunner()).build()) {
            agent.start();
            Eventually.await("first report", Duration.ofSeconds(10), () -> !sent.isEmpty());
            source.commit("global", put("yum/epel", Harness.YUM));
            Path repo = tmp.resolve("root/etc/yum.repos.d/cscs-epel.repo");
            Eventually.await("the repo file", Duration.ofSeconds(10), () -> Files.exists(repo));
            Eventually.await("a report saying applied", Duration.ofSeconds(10), () -> sent.stream()
                    .anyMatch(r -> r.applier("yum").orElseThrow().state() == ApplierState.APPLIED));
        }
        assertThat(Files.readString(tmp.resolve("state/high-water.json"))).contains("\"global\":\"1:sha256:");
    }
}
