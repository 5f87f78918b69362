package dev.cscs.store.raft;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.model.Names;

/** A Raft peer as the config names it: {@code id@host:port}. */
public record Peer(String id, HostPort address) {
    public static Peer parse(String s) {
        int at = s == null ? -1 : s.indexOf('@');
        if (at <= 0) {
            throw CscsException.malformed("peer " + Names.shown(s) + " is not id@host:port");
        }
        return new Peer(Names.checkNodeId(s.substring(0, at)), HostPort.parse(s.substring(at + 1)));
    }

    @Override
    public String toString() {
        return id + "@" + address;
    }
}
