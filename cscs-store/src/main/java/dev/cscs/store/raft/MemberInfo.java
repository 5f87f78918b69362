package dev.cscs.store.raft;

/** A member of the Raft configuration as the local node sees it. */
public record MemberInfo(String id, String address, String role) {
}
