package dev.cscs.store.raft;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The in-JVM cluster of an integration test: its directory, and a close after every test. */
abstract class ClusterFixture {
    @TempDir
    Path dir;
    TestCluster cluster;

    @AfterEach
    void closeCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }
}
