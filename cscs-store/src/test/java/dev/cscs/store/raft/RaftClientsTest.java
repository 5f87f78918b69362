package dev.cscs.store.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.protocol.exceptions.RaftRetryFailureException;
import org.apache.ratis.protocol.exceptions.TimeoutIOException;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.retry.RetryPolicies;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Which failures renew the client, and that a failure on a client already replaced renews nothing. */
class RaftClientsTest {
    private static final RaftPeer N1 = RaftPeer.newBuilder().setId("n1").setAddress("127.0.0.1:1").build();
    private static final RaftGroup GROUP = RaftGroup.valueOf(RaftGroupId.valueOf(UUID.randomUUID()), N1);
    private final List<RaftClient> built = new ArrayList<>();
    private final RaftClients clients = new RaftClients(g -> {
        RaftClient c = RaftClient.newBuilder().setProperties(RaftTuning.client()).setRaftGroup(g).build();
        built.add(c);
        return c;
    }, GROUP, Runnable::run);

    @AfterEach
    void close() throws IOException {
        clients.close();
    }

    @Test
    void aClosedWindowOrExhaustedRetriesRenewTheClientAndARejectionOrALeaderChangeDoNot() {
        assertThat(RaftClients.closesWindow(new CompletionException(new AlreadyClosedException("SlidingWindow$Client is closed")))).isTrue();
        assertThat(RaftClients.closesWindow(new CompletionException(
                new RaftRetryFailureException(null, 40, RetryPolicies.noRetry(), new TimeoutIOException("no leader"))))).isTrue();
        assertThat(RaftClients.closesWindow(new CompletionException(new StateMachineException("refused: below threshold")))).isFalse();
        assertThat(RaftClients.closesWindow(new NotLeaderException(
                RaftGroupMemberId.valueOf(RaftPeerId.valueOf("n1"), GROUP.getGroupId()), null, List.of()))).isFalse();
    }

    @Test
    void aFailureThatClosedTheWindowReplacesTheClientOnceAndOnlyTheOneItWasSentOn() {
        RaftClient first = clients.current();
        Throwable closed = new CompletionException(new AlreadyClosedException("SlidingWindow$Client is closed"));

        clients.failed(first, new CompletionException(new StateMachineException("refused")));
        assertThat(clients.current()).isSameAs(first);

        clients.failed(first, closed);
        RaftClient second = clients.current();
        assertThat(second).isNotSameAs(first);

        // the other requests that were in flight on the old client fail too: they must not replace the new one
        clients.failed(first, closed);
        assertThat(clients.current()).isSameAs(second);
        assertThat(built).hasSize(2);
    }

    @Test
    void followingTheSameMembersKeepsTheClientAndNewMembersReplaceIt() {
        RaftClient first = clients.current();
        clients.follow(List.of(N1));
        assertThat(clients.current()).isSameAs(first);
        clients.follow(List.of(N1, RaftPeer.newBuilder().setId("n2").setAddress("127.0.0.1:2").build()));
        assertThat(clients.current()).isNotSameAs(first);
    }
}
