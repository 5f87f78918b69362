package dev.cscs.chaos;

import java.nio.file.Path;
import java.util.List;

/** An edge agent of the run ({@code cscs agent}): its domains, in order, and its sandbox root. */
final class EdgeAgent {
    final String id;
    final List<String> domains;
    final Path dir;
    final Proc proc;

    EdgeAgent(String id, List<String> domains, Path dir, Proc proc) {
        this.id = id;
        this.domains = List.copyOf(domains);
        this.dir = dir;
        this.proc = proc;
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
