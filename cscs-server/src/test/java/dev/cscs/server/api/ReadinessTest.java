package dev.cscs.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cscs.store.raft.RaftInfo;
import org.junit.jupiter.api.Test;

class ReadinessTest {
    private static RaftInfo follower(String leader, long commit, long applied) {
        return new RaftInfo("n2", "follower", 3, leader, commit, applied, false);
    }

    @Test
    void aNodeThatKnowsALeaderAndHasAppliedNearlyAllCommittedEntriesIsReady() {
        assertThat(ApiServer.notReadyBecause(follower("n1", 13_559, 13_559))).isNull();
        assertThat(ApiServer.notReadyBecause(follower("n1", 13_559, 13_559 - ApiServer.READY_APPLY_LAG))).isNull();
    }

    @Test
    void aNodeWithoutALeaderOrThousandsOfEntriesBehindIsNotReady() {
        assertThat(ApiServer.notReadyBecause(follower(null, 10, 10))).isEqualTo("no leader known");
        // the 1,000-agent run: n2 answered ready at 7,620 applied of 13,559 committed while its watchers waited
        assertThat(ApiServer.notReadyBecause(follower("n1", 13_559, 7_620))).startsWith("applying: 5939 committed entries");
    }
}
