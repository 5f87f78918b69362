package dev.cscs.chaos;

import java.nio.file.Path;
import java.util.List;

/** A cluster node of the run: its own loopback address (Raft on :7401, API on :7400) and uid; its agent applies every domain. */
record Server(String id, String address, boolean voter, Path dir, Proc proc) implements Node {
    String api() {
        return "http://" + address + ":7400";
    }

    Path dataDir() {
        return dir.resolve("data");
    }

    @Override
    public List<String> domains() {
        return World.DOMAINS;
    }

    @Override
    public String toString() {
        return id;
    }
}
