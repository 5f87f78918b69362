package dev.cscs.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fleet harness at CI size: 200 real edge agents in 2 JVMs against 3 server processes.
 * It prints the summary table and asserts completeness only (every agent came up, applied
 * every change, and was back after a server's kill -9 and restart), never a timing.
 */
class FleetSmokeIT {
    @Test
    @Timeout(value = 170)
    void twoHundredRealAgentsApplyEveryChangeAndAllComeBackAfterAServerIsKilled() throws Exception {
        Path jar = Path.of(System.getProperty("cscs.jar", "../cscs-dist/target/cscs.jar"));
        int agents = Integer.getInteger("fleet.smoke.agents", 200);
        FleetReport r = FleetRun.run(jar, new FleetRun.Plan(agents, 100, 2, Duration.ofSeconds(15),
                Duration.ofSeconds(2)), System.out);
        r.print(System.out);

        assertThat(r.notStarted).as("agents that did not start").isEmpty();
        assertThat(r.neverApplied()).as("agents that missed a change").isEmpty();
        assertThat(r.notBack()).as("agents not back after %s was killed and restarted", r.victim).isEmpty();
    }
}
