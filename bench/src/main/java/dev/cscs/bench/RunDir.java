package dev.cscs.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A run's temporary directory (a cluster's configs, data and logs): removed when the run closes
 * it, unless it was kept for a post-mortem. A benchmark run otherwise leaves gigabytes in /tmp.
 */
final class RunDir implements AutoCloseable {
    private final Path path;
    private boolean kept;

    private RunDir(Path path) {
        this.path = path;
    }

    static RunDir create(String prefix) throws IOException {
        return new RunDir(Files.createTempDirectory(prefix));
    }

    Path path() {
        return path;
    }

    /** Leaves the directory in place when closed; returns where it is. */
    Path keep() {
        kept = true;
        return path;
    }

    @Override
    public void close() {
        if (!kept) {
            DiskUsage.removeTree(path);
        }
    }
}
