package dev.cscs.chaos;

import java.nio.file.Path;
import java.util.List;

/**
 * A process of the run with an agent inside: a server (its own agent applies every domain) or
 * an edge agent. Both keep their sandbox root and audit log at the same places under their dir.
 */
sealed interface Node permits Server, EdgeAgent {
    String id();

    Path dir();

    Proc proc();

    /** The domains its agent applies, in order (the later domain wins on a shared key). */
    List<String> domains();

    default Path root() {
        return dir().resolve("root");
    }

    default Path audit() {
        return dir().resolve("log").resolve("audit.jsonl");
    }
}
