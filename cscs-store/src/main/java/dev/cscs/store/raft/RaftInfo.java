package dev.cscs.store.raft;

/** What a node knows of Raft: for /metrics, /readyz and `cscs member ls`. */
public record RaftInfo(String nodeId, String role, long term, String leaderId, long commitIndex, long appliedIndex,
                       boolean leaderReady) {
    public boolean isLeader() {
        return nodeId.equals(leaderId) && "leader".equals(role);
    }
}
