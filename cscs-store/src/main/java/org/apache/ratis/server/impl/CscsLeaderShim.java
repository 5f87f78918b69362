package org.apache.ratis.server.impl;

import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.server.RaftServer;

/**
 * Works around a Ratis 3.3.0 leader bug, from inside its package because the fix needs a
 * package-private method. After staging, the leader marks only new voters as caught up
 * ({@code containsInConf} looks at voters only), so a listener it added, or a listener it later
 * promoted, stays "bootstrapping" in that leader's eyes until the next leader change. Every later
 * membership change then waits on it; if it is down, the change fails NOPROGRESS and Ratis drops
 * its log appender, leaving a member that no longer receives the log. A member already in the
 * committed configuration has caught up by definition (a new leader treats it so), so this marks
 * it so on the current leader too.
 */
public final class CscsLeaderShim {
    private CscsLeaderShim() {
    }

    /** Marks every current member as caught up on this leader; returns how many were not. */
    public static int markMembersCaughtUp(RaftServer.Division division) {
        if (!(division instanceof RaftServerImpl server)) {
            return 0;
        }
        RaftConfigurationImpl conf = server.getRaftConf();
        if (!conf.isStable()) {
            return 0;
        }
        return server.getRole().getLeaderState().map(leader -> (int) leader.getLogAppenders()
                .map(a -> a.getFollower())
                .filter(f -> f instanceof FollowerInfoImpl)
                .map(FollowerInfoImpl.class::cast)
                .filter(f -> !f.isCaughtUp())
                .filter(f -> conf.containsInConf(f.getId(), RaftPeerRole.FOLLOWER, RaftPeerRole.LISTENER))
                .peek(FollowerInfoImpl::catchUp)
                .count()).orElse(0);
    }
}
