package dev.cscs.dist.attack;

import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.Op;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * One cluster of {@code java -jar} nodes per attack class: started once, with the managed
 * files of every sandbox recorded as the baseline that no attack may change, and stopped after.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AttackFixture {
    static final Path JAR = Path.of("target/cscs.jar");
    Path dir;
    World world;
    AttackCluster cluster;
    Sandboxes sandboxes;
    Refusals refusals;

    /** The cluster this class attacks, configured but not started. */
    abstract AttackCluster cluster(Path dir, World world) throws Exception;

    /** The unsigned next link of {@code domain} after its current head (as n1 sees it). */
    Changeset next(String domain, Op... ops) {
        return World.next(domain, cluster.head("n1", domain), ops);
    }

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        this.dir = dir;
        world = new World();
        cluster = cluster(dir, world);
        cluster.startAll();
        sandboxes = new Sandboxes(cluster);
        refusals = new Refusals(cluster);
        sandboxes.baseline();
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }
}
