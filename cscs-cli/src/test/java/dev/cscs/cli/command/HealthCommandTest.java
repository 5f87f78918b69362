package dev.cscs.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cscs.cli.CliRun;
import dev.cscs.core.testing.Chains;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** `cscs health` asks each member itself; a live node cannot vouch for dead ones. */
class HealthCommandTest {
    private static String view(String self, String leader, String registry) {
        return "{\"self\":\"" + self + "\",\"leader\":" + (leader == null ? "null" : "\"" + leader + "\"") + ",\"term\":4,"
                + "\"commitIndex\":10,\"appliedIndex\":" + (self.equals("n2") ? 7 : 10) + ",\"members\":["
                + "{\"id\":\"n1\",\"role\":\"voter\"},{\"id\":\"n2\",\"role\":\"voter\"},{\"id\":\"n3\",\"role\":\"voter\"}],"
                + "\"registry\":" + registry + "}";
    }

    private static String dead() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + s.getLocalPort();
        }
    }

    @Test
    void everyMemberUpIsHealthyWithTheLagOfTheSlowOne() throws Exception {
        try (FakeNode n1 = new FakeNode(); FakeNode n2 = new FakeNode(); FakeNode n3 = new FakeNode()) {
            String reg = "{\"n1\":{\"api\":\"" + n1.url() + "\"},\"n2\":{\"api\":\"" + n2.url() + "\"},\"n3\":{\"api\":\"" + n3.url() + "\"}}";
            n1.answers.put("/v1/members", Chains.json(view("n1", "n1", reg)));
            n2.answers.put("/v1/members", Chains.json(view("n2", "n1", reg)));
            n3.answers.put("/v1/members", Chains.json(view("n3", "n1", reg)));
            CliRun r = CliRun.of("health", "--endpoint", n2.url()).ok();
            assertThat(r.out()).contains("healthy: leader n1").containsPattern("n2\\s+voter\\s+\\S+\\s+yes\\s+n1\\s+4\\s+3");
        }
    }

    @Test
    void twoDeadVotersOfThreeAreNoQuorumEvenWhenTheSurvivorStillNamesALeader() throws Exception {
        String d2 = dead();
        String d3 = dead();
        try (FakeNode n1 = new FakeNode()) {
            String reg = "{\"n1\":{\"api\":\"" + n1.url() + "\"},\"n2\":{\"api\":\"" + d2 + "\"},\"n3\":{\"api\":\"" + d3 + "\"}}";
            n1.answers.put("/v1/members", Chains.json(view("n1", "n1", reg)));
            CliRun r = CliRun.of("health", "--endpoint", n1.url());
            assertThat(r.exit()).isEqualTo(5);
            assertThat(r.out()).contains("no quorum of voters answering").contains("2 of 3 members unreachable")
                    .containsPattern("n3\\s+voter\\s+" + d3 + "\\s+no");
            CliRun ls = CliRun.of("member", "ls", "--endpoint", n1.url());
            assertThat(ls.exit()).isEqualTo(5);
            assertThat(ls.out()).containsPattern("n2\\s+voter\\s+\\S*\\s*no").contains("UNHEALTHY");
        }
    }

    @Test
    void noLeaderIsUnhealthy() throws Exception {
        try (FakeNode n1 = new FakeNode()) {
            n1.answers.put("/v1/members", Chains.json(view("n1", null, "{}")));
            CliRun r = CliRun.of("health", "--endpoint", n1.url());
            assertThat(r.exit()).isEqualTo(5);
            assertThat(r.out()).contains("UNHEALTHY: no leader");
        }
    }

    @Test
    void membersWithoutAnApiUrlAreNotAskedAndDoNotCountAsDown() throws Exception {
        try (FakeNode n1 = new FakeNode()) {
            n1.answers.put("/v1/members", Chains.json(view("n1", "n2", "{}")));
            CliRun r = CliRun.of("health", "--endpoint", n1.url()).ok();
            assertThat(r.out()).contains("2 not asked").containsPattern("n3\\s+voter\\s+-\\s+\\?");
        }
    }

    @Test
    void everyEndpointDownIsUnhealthyAndNamesThem() throws Exception {
        String d = dead();
        CliRun r = CliRun.of("health", "--endpoint", d);
        assertThat(r.exit()).isEqualTo(5);
        assertThat(r.out()).contains(d).contains("UNHEALTHY");
    }
}
