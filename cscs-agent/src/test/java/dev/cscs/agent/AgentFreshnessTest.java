package dev.cscs.agent;

import static dev.cscs.core.testing.Chains.put;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cscs.agent.status.StatusReport;
import dev.cscs.agent.status.StatusReport.Problem;
import dev.cscs.core.crypto.KeyGen;
import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.testing.Chains;
import dev.cscs.core.trust.Freshness;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Freeze detection on the device (issue #14, part 3): with a voter's key in the verified registry,
 * a device that hears no newer signed freshness record for agent.maxStaleness (on its own
 * monotonic clock) reports itself stale and leaves its source, yet keeps what is applied; a record
 * whose heads are ahead of what the source delivered shows the source withholding; and neither a
 * record of an unregistered key, nor old records fed slowly, nor one replayed after a restart
 * keeps a frozen device fresh.
 */
class AgentFreshnessTest {
    static final String FILE = "etc/sysctl.d/90-cscs.conf";
    static final Duration MAX = Duration.ofMinutes(5);
    static final PrivateKeyRef VOTER = KeyGen.generate("ecdsa-p256");
    @TempDir
    Path tmp;
    Harness h;

    @BeforeEach
    void start() {
        h = new Harness(tmp).configure(c -> c.withMaxStaleness(MAX));
        h.start();
        h.source.commit("global", put("sysctl/kernel.sysrq", "{\"value\": \"0\"}"));
        h.settle();
    }

    @AfterEach
    void close() {
        h.close();
    }

    private void register(String node, PrivateKeyRef key) {
        h.source.commitSignedBy(Chains.root(), "_nodes", put("node/" + node, "{\"role\": \"voter\", \"raft\": \"127.0.0.1:7401\", "
                + "\"key\": {\"alg\": \"ecdsa-p256-sha256\", \"spki\": \"" + Base64.getEncoder().encodeToString(key.publicKey().spki())
                + "\"}}"));
        h.settle();
    }

    /** A record of the source's own heads, signed now (virtual time) plus {@code offset}. */
    private Freshness record(PrivateKeyRef key, Duration offset) {
        return Freshness.sign(key, "v1", now().plus(offset), h.source.stateForTests().heads());
    }

    private Instant now() {
        return h.scheduler.clock.instant();
    }

    /** Lets {@code d} of virtual time pass (periodic reconciles included) and returns the latest report. */
    private StatusReport after(Duration d) {
        h.scheduler.advance(d);
        return h.agent.lastStatus().orElseThrow();
    }

    private static List<String> codes(StatusReport r) {
        return r.errors().stream().map(Problem::code).toList();
    }

    @Test
    void aDeviceThatHearsNoFreshRecordForMaxStalenessIsStaleLeavesItsSourceAndKeepsWhatIsApplied() {
        register("v1", VOTER);
        h.source.fresh(record(VOTER, Duration.ZERO));
        assertThat(codes(h.settle())).doesNotContain("stale");

        assertThat(codes(after(MAX.minusSeconds(30)))).as("within maxStaleness").doesNotContain("stale");
        StatusReport r = after(Duration.ofMinutes(2));

        assertThat(codes(r)).contains("stale");
        assertThat(r.errors()).filteredOn(p -> p.code().equals("stale")).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("keeping the last verified configuration"));
        assertThat(h.source.abandoned()).as("the agent left its source").isNotEmpty().allMatch(w -> w.startsWith("stale"));
        assertThat(h.read(FILE)).contains("kernel.sysrq = 0");

        h.source.fresh(record(VOTER, Duration.ZERO));
        assertThat(codes(h.settle())).as("a fresh record ends it").doesNotContain("stale");
    }

    @Test
    void aRecordWhoseHeadsAreAheadOfWhatTheSourceDeliveredShowsItWithholding() {
        register("v1", VOTER);
        h.source.muted = true;
        h.source.commit("global", put("sysctl/kernel.sysrq", "{\"value\": \"1\"}"));
        h.source.fresh(record(VOTER, Duration.ZERO));
        StatusReport r = h.settle();

        assertThat(codes(r)).contains("withheld");
        assertThat(r.errors()).filteredOn(p -> p.code().equals("withheld")).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("global at seq 2 (this device has seq 1)"));
        assertThat(h.source.abandoned()).singleElement().satisfies(w -> assertThat(w).contains("withholds"));
        assertThat(h.read(FILE)).contains("kernel.sysrq = 0");
    }

    @Test
    void aRecordSignedByAKeyTheRegistryDoesNotNameNeverCounts() {
        register("v1", VOTER);
        PrivateKeyRef forger = KeyGen.generate("ecdsa-p256");
        for (int i = 0; i < 8; i++) {
            after(Duration.ofMinutes(1));
            h.source.fresh(record(forger, Duration.ZERO));
        }
        StatusReport r = h.settle();
        assertThat(codes(r)).contains("stale");
        assertThat(r.errors()).filteredOn(p -> p.code().equals("stale")).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("no key of the verified registry signed"));
    }

    @Test
    void oldRecordsFedOneAtATimeDoNotKeepAFrozenDeviceFresh() {
        register("v1", VOTER);
        // what a withholding server stored while the cluster was still signing: a record every 30 s for 20 minutes
        List<Freshness> stock = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            stock.add(record(VOTER, Duration.ofSeconds(30L * i)));
        }
        h.source.fresh(stock.get(0));
        h.settle();
        // each one newer than the last, each just inside maxStaleness of the one before on the device's clock
        boolean stale = false;
        for (int i = 1; i < stock.size() && !stale; i++) {
            after(MAX.minusSeconds(20));
            h.source.fresh(stock.get(i));
            stale = codes(h.settle()).contains("stale");
        }
        assertThat(stale).as("the signed time falls behind the device's clock, so the drip runs dry").isTrue();
    }

    @Test
    void aRecordOlderThanTheNewestTakenBeforeARestartDoesNotCountAfterIt() {
        register("v1", VOTER);
        Freshness old = record(VOTER, Duration.ZERO);
        h.source.fresh(old);
        h.settle();
        after(Duration.ofMinutes(2));
        h.source.fresh(record(VOTER, Duration.ZERO));
        h.settle();

        assertThat(h.state.resolve("freshness.json")).as("the newest signed time, kept across restarts").exists();
        h.restart(h.source);
        after(MAX.minusSeconds(30));
        h.source.fresh(old);
        StatusReport r = after(Duration.ofMinutes(2));
        assertThat(codes(r)).as("the replayed record would have counted as the first after the restart").contains("stale");
    }

    @Test
    void withNoRegisteredSignerKeyTheDeviceIsNeverStale() {
        StatusReport r = after(MAX.multipliedBy(3));
        assertThat(codes(r)).doesNotContain("stale");
        assertThat(h.source.abandoned()).isEmpty();
    }
}
