package dev.cscs.agent.edge;

import static dev.cscs.core.testing.Chains.put;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cscs.agent.Agent;
import dev.cscs.agent.AgentConfig;
import dev.cscs.agent.feed.FeedItem;
import dev.cscs.agent.os.CommandRunner;
import dev.cscs.agent.status.ApplierState;
import dev.cscs.agent.status.StatusReport;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.testing.Chains;
import dev.cscs.core.testing.Eventually;
import dev.cscs.core.trust.ChainState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An edge agent wired as the daemon would wire it, through the public API only, against a watch server on loopback. */
class EdgeAgentTest {
    @TempDir
    Path tmp;

    @Test
    void anEdgeAgentAppliesWhatTheWatchStreamDeliversAndPostsItsStatus() throws Exception {
        ChainState s = Chains.state();
        Changeset one = Chains.signed(Chains.next(s, "global", put("sysctl/kernel.sysrq", "{\"value\": \"0\"}")), Chains.signerB());
        s.accept(one);
        Changeset forged = Chains.signed(Chains.next(s, "global", put("sysctl/kernel.sysrq", "{\"value\": \"1\"}")), Chains.signerA());
        try (SseServer server = new SseServer()) {
            server.then((ex, out) -> out.raw(": keepalive\n\n").changeset(new FeedItem(1, one)).changeset(new FeedItem(2, forged)).hold());
            AgentConfig config = AgentConfig.defaults("edge-1", List.of("global"), tmp.resolve("root"), tmp.resolve("state"))
                    .withAppliers(List.of("sysctl"));
            var client = HttpChangesetFeed.defaultClient();
            try (Agent agent = Agent.builder(config).genesis(Chains.genesis(), null)
                    .feed(new HttpChangesetFeed(List.of(server.uri()), client))
                    .statusSink(new HttpStatusSink(List.of(server.uri()), client))
                    .runner(c -> new CommandRunner.Result(0, "", "", false)).build()) {
                agent.start();
                Path file = tmp.resolve("root/etc/sysctl.d/90-cscs.conf");
                Eventually.await("the sysctl file", Duration.ofSeconds(10), () -> Files.exists(file));
                Eventually.await("a status report naming the forgery", Duration.ofSeconds(10), () -> server.statusBodies.stream()
                        .map(StatusReport::fromJson).anyMatch(r -> !r.errors().isEmpty()));
                assertThat(Files.readString(file)).contains("kernel.sysrq = 0");
                StatusReport last = StatusReport.fromJson(server.statusBodies.get(server.statusBodies.size() - 1));
                assertThat(last.node()).isEqualTo("edge-1");
                assertThat(last.errors()).singleElement().satisfies(p -> assertThat(p.code()).isEqualTo("unauthorized-key"));
                assertThat(last.applier("sysctl").orElseThrow().state()).isIn(ApplierState.APPLIED, ApplierState.IN_SYNC);
            }
        }
    }
}
