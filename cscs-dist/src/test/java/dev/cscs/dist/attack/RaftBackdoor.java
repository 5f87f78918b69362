package dev.cscs.dist.attack;

import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.trust.Signing;
import dev.cscs.store.LogEntry;
import dev.cscs.store.LogEntryCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;

/**
 * The attacker's own Raft client, speaking Ratis gRPC to the cluster's Raft ports: what a
 * compromised member's {@code RaftNode.submit} sends (the same {@link LogEntryCodec} bytes),
 * but from a process the cluster knows nothing about. The group id is derived from the
 * genesis digest exactly as the nodes derive it.
 */
final class RaftBackdoor implements AutoCloseable {
    private static final Pattern REJECTION = Pattern.compile("cscs-rejection\\[([a-z-]+)\\]");
    private final RaftClient client;
    private final RaftGroup group;
    private final Parameters tls;

    /** What the cluster answered: ok (with the reply), or the rejection code carried in the exception. */
    record Outcome(boolean ok, String code, String detail) {
    }

    /** @param tls gRPC TLS parameters of the certificate the attacker holds, or null for plaintext */
    RaftBackdoor(AttackCluster cluster, Parameters tls) {
        List<RaftPeer> peers = new ArrayList<>();
        for (String id : cluster.ids()) {
            peers.add(peer(id, "127.0.0.1:" + cluster.raftPort(id)));
        }
        String digest = ChangesetCodec.digest(cluster.world.genesis.body()).toString();
        this.group = RaftGroup.valueOf(RaftGroupId.valueOf(UUID.nameUUIDFromBytes(digest.getBytes(StandardCharsets.US_ASCII))),
                peers);
        this.tls = tls;
        RaftProperties p = new RaftProperties();
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(3, TimeUnit.SECONDS));
        RaftClient.Builder b = RaftClient.newBuilder().setProperties(p).setRaftGroup(group)
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(20, TimeDuration.valueOf(100, TimeUnit.MILLISECONDS)));
        if (tls != null) {
            b.setParameters(tls);
        }
        this.client = b.build();
    }

    static RaftPeer peer(String id, String address) {
        return RaftPeer.newBuilder().setId(id).setAddress(address).build();
    }

    List<RaftPeer> peers() {
        return new ArrayList<>(group.getPeers());
    }

    /** Proposes {@code cs} as a {@code Submit} entry claiming to come through {@code origin}. */
    Outcome submit(String origin, Changeset cs) {
        return send(LogEntryCodec.encode(new LogEntry.Submit(origin, Signing.rfc3339(Instant.now()), cs)));
    }

    /** Proposes raw log-entry bytes. */
    Outcome send(byte[] entry) {
        try {
            RaftClientReply r = client.async().send(Message.valueOf(ByteString.copyFrom(entry))).get(30, TimeUnit.SECONDS);
            if (r.isSuccess()) {
                return new Outcome(true, null, r.getMessage().getContent().toStringUtf8());
            }
            return failed(r.getException());
        } catch (ExecutionException e) {
            return failed(e.getCause());
        } catch (TimeoutException e) {
            return new Outcome(false, "timeout", "no answer within 30 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The Ratis admin API: replace the group's voters and listeners. */
    RaftClientReply setConfiguration(List<RaftPeer> voters, List<RaftPeer> listeners) throws IOException {
        return client.admin().setConfiguration(voters, listeners);
    }

    /** The same, sent once to {@code leader} without retries, so that the first answer shows. */
    RaftClientReply setConfigurationOnce(String leader, List<RaftPeer> voters, List<RaftPeer> listeners) throws IOException {
        RaftProperties p = new RaftProperties();
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(20, TimeUnit.SECONDS));
        RaftClient.Builder b = RaftClient.newBuilder().setProperties(p).setRaftGroup(group)
                .setLeaderId(RaftPeerId.valueOf(leader)).setRetryPolicy(RetryPolicies.noRetry());
        if (tls != null) {
            b.setParameters(tls);
        }
        try (RaftClient once = b.build()) {
            return once.admin().setConfiguration(voters, listeners);
        }
    }

    private static Outcome failed(Throwable t) {
        StringBuilder all = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            all.append(c).append(" | ");
            Matcher m = c.getMessage() == null ? null : REJECTION.matcher(c.getMessage());
            if (m != null && m.find()) {
                return new Outcome(false, m.group(1), c.getMessage());
            }
        }
        return new Outcome(false, "transport", all.toString());
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
