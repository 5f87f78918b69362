package dev.cscs.chaos;

import java.nio.file.Path;

/** A cluster node of the run: its own loopback address (Raft on :7401, API on :7400) and uid. */
final class Server {
    final String id;
    final String address;
    final boolean voter;
    final Path dir;
    final Proc proc;

    Server(String id, String address, boolean voter, Path dir, Proc proc) {
        this.id = id;
        this.address = address;
        this.voter = voter;
        this.dir = dir;
        this.proc = proc;
    }

    String api() {
        return "http://" + address + ":7400";
    }

    Path dataDir() {
        return dir.resolve("data");
    }

    Path root() {
        return dir.resolve("root");
    }

    Path audit() {
        return dir.resolve("log").resolve("audit.jsonl");
    }

    @Override
    public String toString() {
        return id;
    }
}
