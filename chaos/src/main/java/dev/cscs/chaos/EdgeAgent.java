package dev.cscs.chaos;

import java.nio.file.Path;
import java.util.List;

/** An edge agent of the run ({@code cscs agent}): its domains, in order, and its sandbox root. */
record EdgeAgent(String id, List<String> domains, Path dir, Proc proc) implements Node {
    EdgeAgent {
        domains = List.copyOf(domains);
    }

    @Override
    public String toString() {
        return id;
    }
}
