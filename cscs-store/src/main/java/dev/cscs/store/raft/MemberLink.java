package dev.cscs.store.raft;

import java.util.HashMap;
import java.util.Map;
import org.apache.ratis.proto.RaftProtos.CommitInfoProto;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.server.RaftServer;

/**
 * What this node knows of its link to a member: the member's commit index as Ratis last heard it
 * (every node has every member's, since the leader sends them with its appends), and how long ago
 * the member last answered, which only the two ends of a link know. On the leader: every
 * follower's last answer to it. On a follower: only its last message from the leader.
 *
 * @param lastContactMs milliseconds since the member was last heard from, or {@code null} when
 *     this node has no link to it
 */
public record MemberLink(String id, long commitIndex, Long lastContactMs) {

    static Map<String, MemberLink> of(RaftServer.Division d) {
        String self = d.getId().toString();
        Map<String, Long> contact = new HashMap<>();
        contact.put(self, 0L);
        RoleInfoProto role = d.getInfo().getRoleInfoProto();
        if (role.hasLeaderInfo()) {
            for (ServerRpcProto f : role.getLeaderInfo().getFollowerInfoList()) {
                contact.put(f.getId().getId().toStringUtf8(), Math.max(0, f.getLastRpcElapsedTimeMs()));
            }
        } else if (role.hasFollowerInfo() && role.getFollowerInfo().hasLeaderInfo()) {
            ServerRpcProto leader = role.getFollowerInfo().getLeaderInfo();
            contact.put(leader.getId().getId().toStringUtf8(), Math.max(0, leader.getLastRpcElapsedTimeMs()));
        }
        Map<String, MemberLink> links = new HashMap<>();
        for (CommitInfoProto c : d.getCommitInfos()) {
            String id = c.getServer().getId().toStringUtf8();
            links.put(id, new MemberLink(id, c.getCommitIndex(), contact.get(id)));
        }
        return links;
    }
}
