package dev.cscs.agent;

import static dev.cscs.core.testing.Chains.put;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cscs.agent.status.StatusReport;
import dev.cscs.agent.status.StatusReport.Subscribed;
import dev.cscs.core.model.Labels;
import dev.cscs.core.testing.Chains;
import dev.cscs.core.trust.PolicyBuilder;
import dev.cscs.core.trust.TrustPolicy;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Domains bound to devices by label: a node provisioned with {@code ring=canary} (its config lists
 * global and factory-a) takes up a domain whose selector matches, live, drops it when a signed
 * registry record changes its labels, and reports why it has each domain.
 */
class AgentSelectorTest {
    static final String FILE = "etc/sysctl.d/90-cscs.conf";
    @TempDir
    Path tmp;
    Harness h;

    @BeforeEach
    void start() {
        h = new Harness(tmp);
        h.labels = Labels.parseArg("ring=canary,site=plant-b", "labels");
        h.start();
        h.source.commit("global", put("sysctl/kernel.sysrq", "{\"value\": \"0\"}"));
        h.settle();
    }

    @AfterEach
    void close() {
        h.close();
    }

    private void bind(String domain, String selector) {
        TrustPolicy p = PolicyBuilder.from(h.source.stateForTests().policy())
                .domain(domain, 1, List.of(Chains.signerB().publicKey()), null)
                .selector(domain, Chains.json(selector)).build();
        h.source.commitPolicy(p);
    }

    @Test
    void aDomainWhoseSelectorMatchesTheNodesLabelsIsAppliedLiveAfterItsConfiguredDomains() {
        bind("canary", "{\"ring\": [\"canary\", \"beta\"]}");
        bind("plant-c", "{\"site\": [\"plant-c\"]}");
        h.source.commitSignedBy(Chains.signerB(), "canary", put("sysctl/kernel.dmesg_restrict", "{\"value\": \"1\"}"));
        h.source.commitSignedBy(Chains.signerB(), "plant-c", put("sysctl/kernel.kptr_restrict", "{\"value\": \"2\"}"));
        h.settle();
        StatusReport r = h.settle();

        assertThat(h.read(FILE)).contains("kernel.sysrq = 0", "kernel.dmesg_restrict = 1").doesNotContain("kptr_restrict");
        assertThat(r.domains()).containsExactly(new Subscribed("global", "config"), new Subscribed("factory-a", "config"),
                new Subscribed("canary", "selector ring=canary|beta"));
        assertThat(r.errors()).isEmpty();
        assertThat(r.applied()).extracting(StatusReport.DomainHead::domain).contains("canary");
    }

    @Test
    void aSignedLabelChangeInTheRegistryMovesTheNodeOutOfTheDomainAndItsValuesGo() {
        bind("canary", "{\"ring\": [\"canary\"]}");
        h.source.commitSignedBy(Chains.signerB(), "canary", put("sysctl/kernel.dmesg_restrict", "{\"value\": \"1\"}"));
        h.settle();
        h.settle();
        assertThat(h.read(FILE)).contains("kernel.dmesg_restrict = 1");

        h.source.commitSignedBy(Chains.root(), "_nodes", put("node/n1", "{\"role\": \"agent\", \"labels\": {\"ring\": \"stable\"}}"));
        h.settle();
        StatusReport r = h.settle();

        assertThat(h.read(FILE)).contains("kernel.sysrq = 0").doesNotContain("dmesg_restrict");
        assertThat(r.domains()).extracting(Subscribed::domain).containsExactly("global", "factory-a");
        assertThat(r.errors()).isEmpty();
    }

    @Test
    void aRestartKeepsTheSelectedDomainsWithoutVerifyingAgainFromTheStart() {
        bind("canary", "{\"ring\": [\"canary\"]}");
        h.source.commitSignedBy(Chains.signerB(), "canary", put("sysctl/kernel.dmesg_restrict", "{\"value\": \"1\"}"));
        h.settle();
        h.settle();

        StatusReport r = h.restart(h.source).settle();

        assertThat(h.source.subscribedFrom).as("resumed from the cache, not from revision 0").isGreaterThan(0);
        assertThat(r.domains()).extracting(Subscribed::domain).containsExactly("global", "factory-a", "canary");
        assertThat(h.read(FILE)).contains("kernel.dmesg_restrict = 1");
    }

    @Test
    void whileTheReplayForNewDomainsIsBelowWhatWasAppliedNothingIsAppliedAndTheStatusSaysWhy() {
        bind("canary", "{\"ring\": [\"canary\"]}");
        h.source.commitSignedBy(Chains.signerB(), "canary", put("sysctl/kernel.dmesg_restrict", "{\"value\": \"1\"}"));
        h.source.commit("global", put("sysctl/kernel.sysrq", "{\"value\": \"1\"}"));
        h.settle();
        h.settle();
        String applied = h.read(FILE);
        assertThat(applied).contains("kernel.sysrq = 1", "kernel.dmesg_restrict = 1");

        h.source.replayLimit = 1; // the re-subscription gets global seq 1 only, below the high-water mark of seq 2
        h.source.commitSignedBy(Chains.root(), "_nodes", put("node/n1", "{\"role\": \"agent\", \"labels\": {\"ring\": \"stable\"}}"));
        h.settle();
        StatusReport waiting = h.settle();

        assertThat(h.read(FILE)).as("a partial replay is never applied: it would be a rollback").isEqualTo(applied);
        assertThat(waiting.appliers()).allSatisfy(a -> assertThat(a.message()).contains("re-verifying the node's domains"));
        assertThat(waiting.errors()).isEmpty();

        h.source.release();
        h.settle();
        assertThat(h.read(FILE)).contains("kernel.sysrq = 1").doesNotContain("dmesg_restrict");
    }
}
