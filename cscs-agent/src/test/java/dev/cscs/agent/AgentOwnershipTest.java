package dev.cscs.agent;

import static dev.cscs.core.testing.Chains.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.agent.applier.Applier;
import dev.cscs.agent.applier.Appliers;
import dev.cscs.agent.applier.ApplyContext;
import dev.cscs.agent.applier.DesiredEntry;
import dev.cscs.agent.os.CommandRunner;
import dev.cscs.agent.status.ApplierState;
import dev.cscs.agent.status.StatusReport;
import dev.cscs.core.json.StrictJson;
import dev.cscs.core.model.Op;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ownership and drift across agent restarts: the manifest and the apply journal live in the state dir. */
class AgentOwnershipTest {
    static final String REPO = "etc/yum.repos.d/cscs-epel.repo";
    @TempDir
    Path tmp;
    Harness h;

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    @Test
    void anEditMadeWhileTheAgentWasStoppedIsDriftCorrectedQuarantinedAuditedAndReported() throws Exception {
        h = new Harness(tmp).start();
        h.source.commit("global", put("yum/epel", Harness.YUM));
        assertThat(h.settle().applier("yum").orElseThrow().state()).isEqualTo(ApplierState.APPLIED);
        String ours = h.read(REPO);
        h.agent.close();
        Files.writeString(h.file(REPO), "[epel]\nbaseurl=http://evil.example/\ngpgcheck=0\n");

        StatusReport r = h.start().settle();
        assertThat(r.applier("yum").orElseThrow().state()).isEqualTo(ApplierState.DRIFT_CORRECTED);
        assertThat(h.read(REPO)).isEqualTo(ours);
        List<Path> quarantined;
        try (Stream<Path> s = Files.list(h.state.resolve("quarantine"))) {
            quarantined = s.toList();
        }
        assertThat(quarantined).singleElement().satisfies(q -> {
            assertThat(q.getFileName().toString()).endsWith("-etc%2Fyum.repos.d%2Fcscs-epel.repo");
            assertThat(q).content().contains("evil.example");
        });
        assertThat(h.audit("drift")).singleElement().satisfies(l -> {
            assertThat(l.get("path").asText()).isEqualTo(REPO);
            assertThat(l.get("quarantine").asText()).isEqualTo(quarantined.get(0).toString());
            assertThat(l.toString()).doesNotContain("evil.example");
        });
        assertThat(r.errors()).extracting(StatusReport.Problem::message).singleElement().asString()
                .startsWith("drift: yum: " + REPO + " was changed outside cscs").contains(quarantined.get(0).toString());
        h.settle();
        assertThat(h.agent.reconcileNow().applier("yum").orElseThrow().state()).isEqualTo(ApplierState.IN_SYNC);
    }

    @Test
    void anApplyACrashInterruptedIsRolledBackAtStartAndItsSkippedCheckRunsInTheFirstRound() throws Exception {
        h = new Harness(tmp);
        String drop = "etc/ssh/sshd_config.d/90-cscs.conf";
        Applier sshd = Appliers.byName("sshd").orElseThrow();
        // the staged check (before the write) passes; the agent dies in the check of the live files after it
        AtomicInteger checks = new AtomicInteger();
        CommandRunner dies = c -> {
            if (checks.incrementAndGet() == 1) {
                return new CommandRunner.Result(0, "", "", false);
            }
            throw new OutOfMemoryError("simulated crash after the write, before sshd -t answered");
        };
        ApplyContext ctx = ApplyContext.builder(h.root).runner(dies).stateDir(h.state).build();
        List<DesiredEntry> desired = List.of(new DesiredEntry("global", "hardening",
                StrictJson.parse("{\"settings\": {\"PermitRootLogin\": \"no\"}}".getBytes(StandardCharsets.UTF_8), 8, "v")));
        assertThatThrownBy(() -> sshd.apply(sshd.plan(desired, ctx), ctx)).isInstanceOf(OutOfMemoryError.class);
        assertThat(h.file(drop)).exists();

        h.runner.on("sshd -t", new CommandRunner.Result(255, "", "/etc/ssh/sshd_config line 3: Bad configuration option", false));
        h.start();
        assertThat(h.file(drop)).as("rolled back at start, before any round").doesNotExist();
        assertThat(h.audit("recovered")).extracting(l -> l.get("applier").asText()).containsExactly("sshd");
        h.source.commit("global", put("sshd/hardening", "{\"settings\": {\"PermitRootLogin\": \"no\"}}"));
        StatusReport r = h.settle();
        assertThat(r.applier("sshd").orElseThrow().state()).isEqualTo(ApplierState.FAILED);
        assertThat(r.applier("sshd").orElseThrow().message()).contains("rolled back", "Bad configuration option");
        assertThat(h.file(drop)).doesNotExist();
        JsonNode last = h.audit("change").get(h.audit("change").size() - 1);
        assertThat(last.get("result").asText()).isEqualTo("rolled-back");
    }
    @Test
    void anAgentThatDiesMidApplyRestartsFromWhatItWasApplyingNeverFromTheOlderSavedState() throws Exception {
        h = new Harness(tmp).start();
        h.source.commit("global", put("sshd/hardening", "{\"settings\": {\"PermitRootLogin\": \"no\"}}"));
        assertThat(h.settle().applier("sshd").orElseThrow().state()).isEqualTo(ApplierState.APPLIED);
        String drop = "etc/ssh/sshd_config.d/90-cscs.conf";
        assertThat(h.read(drop)).contains("PermitRootLogin no");

        h.runner.crashOn("sshd -t");
        h.source.commit("global", put("sshd/hardening", "{\"settings\": {\"PermitRootLogin\": \"prohibit-password\"}}"));
        assertThatThrownBy(h::settle).isInstanceOf(Error.class).hasMessageContaining("simulated crash");
        h.runner.crashOn(null);

        // the new agent hears nothing from its source: all it has is what the dead one saved
        StatusReport r = h.restart(new TestSource()).settle();
        assertThat(r.applier("sshd").orElseThrow().state()).isEqualTo(ApplierState.APPLIED);
        assertThat(h.read(drop)).as("seq 2, which the dead agent was applying").contains("PermitRootLogin prohibit-password");
        assertThat(r.applied()).filteredOn(d -> d.domain().equals("global")).singleElement()
                .satisfies(d -> assertThat(d.seq()).isEqualTo(2));
    }

    @Test
    void anEditedFileOfADeletedKeyIsReportedAsRemovedNotAsPutBack() throws Exception {
        h = new Harness(tmp).start();
        h.source.commit("global", put("yum/epel", Harness.YUM));
        assertThat(h.settle().applier("yum").orElseThrow().state()).isEqualTo(ApplierState.APPLIED);
        Files.writeString(h.file(REPO), "[epel]\nbaseurl=http://evil.example/\n");
        h.source.commit("global", new Op.Delete("yum/epel"));
        StatusReport r = h.settle();
        assertThat(h.file(REPO)).doesNotExist();
        assertThat(r.errors()).extracting(StatusReport.Problem::message).singleElement().asString()
                .startsWith("drift: yum: " + REPO + " was changed outside cscs").contains("its key was deleted, so cscs removed it")
                .doesNotContain("version is back");
    }

    @Test
    void aFileOfADeletedKeyThatIsAlreadyGoneIsNoDrift() throws Exception {
        h = new Harness(tmp).start();
        h.source.commit("global", put("yum/epel", Harness.YUM));
        assertThat(h.settle().applier("yum").orElseThrow().state()).isEqualTo(ApplierState.APPLIED);
        Files.delete(h.file(REPO));
        h.source.commit("global", new Op.Delete("yum/epel"));
        StatusReport r = h.settle();
        assertThat(r.applier("yum").orElseThrow().state()).isEqualTo(ApplierState.APPLIED);
        assertThat(r.errors()).isEmpty();
        assertThat(h.audit("drift")).isEmpty();
    }
}
