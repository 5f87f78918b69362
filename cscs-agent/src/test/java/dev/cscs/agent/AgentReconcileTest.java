package dev.cscs.agent;

import static dev.cscs.core.testing.Chains.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.agent.os.CommandRunner;
import dev.cscs.agent.status.ApplierState;
import dev.cscs.agent.status.StatusReport;
import dev.cscs.agent.status.StatusReport.KeyOverride;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.Op;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loop end to end: in-memory feed with real signatures, real appliers, a temp root, virtual time. */
class AgentReconcileTest {
    @TempDir
    Path tmp;
    Harness h;

    @AfterEach
    void close() {
        if (h != null) {
            h.close();
        }
    }

    @Test
    void yumSysctlAndServiceFilesConvergeUnderTheRoot() throws Exception {
        h = new Harness(tmp).start();
        h.source.commit("global", put("yum/epel", Harness.YUM), put("sysctl/kernel.sysrq", "{\"value\": \"0\"}"),
                put("service/telnet.socket", "{\"state\": \"masked\"}"));
        StatusReport r = h.settle();

        assertThat(h.read("etc/yum.repos.d/cscs-epel.repo")).contains("baseurl=https://mirror.example/epel/9/");
        assertThat(h.read("etc/sysctl.d/90-cscs.conf")).contains("kernel.sysrq = 0");
        assertThat(Files.readSymbolicLink(h.file("etc/systemd/system/telnet.socket"))).isEqualTo(Path.of("/dev/null"));
        assertThat(r.applier("yum").orElseThrow().state()).isEqualTo(ApplierState.APPLIED);
        assertThat(r.applier("yum").orElseThrow().files()).containsExactly("etc/yum.repos.d/cscs-epel.repo");
        assertThat(r.applier("sysctl").orElseThrow().state()).isEqualTo(ApplierState.APPLIED);
        assertThat(r.applier("service").orElseThrow().state()).isEqualTo(ApplierState.APPLIED);
        assertThat(r.applier("apt").orElseThrow().state()).isEqualTo(ApplierState.IN_SYNC);
        assertThat(r.errors()).isEmpty();
        assertThat(r.applied()).extracting(StatusReport.DomainHead::domain, StatusReport.DomainHead::seq)
                .containsExactly(tuple("_trust", 1L), tuple("global", 1L));

        h.source.commit("global", new Op.Delete("yum/epel"));
        r = h.settle();
        assertThat(h.file("etc/yum.repos.d/cscs-epel.repo")).doesNotExist();
        assertThat(r.applier("yum").orElseThrow().state()).isEqualTo(ApplierState.APPLIED);
        assertThat(r.applier("sysctl").orElseThrow().state()).isEqualTo(ApplierState.IN_SYNC);
    }

    @Test
    void aBurstOfChangesetsGivesTwoApplies_theFirstChangeAtOnceAndTheRestTogether() {
        h = new Harness(tmp).start();
        h.settle();
        long before = h.agent.reconciles();
        for (int i = 0; i < 20; i++) {
            h.source.commit("factory-a", put("yum/repo" + i, Harness.YUM));
            h.scheduler.advance(Duration.ofMillis(30));
        }
        h.settle();

        assertThat(h.agent.reconciles() - before).isEqualTo(2);
        assertThat(Harness.tree(h.file("etc/yum.repos.d"))).hasSize(20);
        List<JsonNode> yum = h.audit("change");
        assertThat(yum).hasSize(2);
        assertThat(yum.get(0).get("keys")).hasSize(1);
        assertThat(yum.get(1).get("keys")).hasSize(20);
    }

    @Test
    void aHandEditedManagedFileIsCorrectedByThePeriodicReconcileAndReportedAsDriftCorrected() throws Exception {
        h = new Harness(tmp).start();
        h.source.commit("global", put("sysctl/net.ipv4.ip_forward", "{\"value\": \"0\"}"));
        h.settle();
        String good = h.read("etc/sysctl.d/90-cscs.conf");
        Files.writeString(h.file("etc/sysctl.d/90-cscs.conf"), good.replace("ip_forward = 0", "ip_forward = 1"));

        h.scheduler.advance(Duration.ofSeconds(60));

        StatusReport r = h.agent.lastStatus().orElseThrow();
        assertThat(h.read("etc/sysctl.d/90-cscs.conf")).isEqualTo(good);
        assertThat(r.applier("sysctl").orElseThrow().state()).isEqualTo(ApplierState.DRIFT_CORRECTED);
        assertThat(h.audit("change")).extracting(l -> l.get("result").asText()).containsExactly("applied", "drift-corrected");
        h.scheduler.advance(Duration.ofSeconds(60));
        assertThat(h.agent.lastStatus().orElseThrow().applier("sysctl").orElseThrow().state()).isEqualTo(ApplierState.IN_SYNC);
    }

    @Test
    void aRequestedReconcileRunsOnTheSchedulerAtOnce() throws Exception {
        h = new Harness(tmp).start();
        h.source.commit("global", put("yum/epel", Harness.YUM));
        h.settle();
        Files.delete(h.file("etc/yum.repos.d/cscs-epel.repo"));

        h.agent.requestReconcile();
        assertThat(h.file("etc/yum.repos.d/cscs-epel.repo")).doesNotExist();
        h.scheduler.advance(Duration.ZERO);

        assertThat(h.file("etc/yum.repos.d/cscs-epel.repo")).exists();
        assertThat(h.agent.lastStatus().orElseThrow().applier("yum").orElseThrow().state()).isEqualTo(ApplierState.DRIFT_CORRECTED);
    }

    @Test
    void oneFailingApplierDoesNotStopTheOthers() throws Exception {
        Path foreign = Files.createDirectories(tmp.resolve("root/etc/sysctl.d")).resolve("90-cscs.conf");
        Files.writeString(foreign, "net.ipv4.ip_forward = 1\n");
        h = new Harness(tmp);
        h.runner.on("sshd -t", new CommandRunner.Result(255, "", "/etc/ssh/sshd_config line 3: Bad configuration option", false));
        h.start();
        h.source.commit("global", put("yum/epel", Harness.YUM), put("sysctl/net.ipv4.ip_forward", "{\"value\": \"0\"}"),
                put("sshd/hardening", "{\"settings\": {\"PermitRootLogin\": \"no\"}}"));
        StatusReport r = h.settle();

        assertThat(r.applier("sysctl").orElseThrow().state()).isEqualTo(ApplierState.FAILED);
        assertThat(r.applier("sysctl").orElseThrow().message()).contains("refusing to replace etc/sysctl.d/90-cscs.conf");
        assertThat(r.errors()).extracting(StatusReport.Problem::message)
                .anySatisfy(m -> assertThat(m).contains("refusing to replace etc/sysctl.d/90-cscs.conf"));
        assertThat(r.applier("sshd").orElseThrow().state()).isEqualTo(ApplierState.FAILED);
        assertThat(r.applier("sshd").orElseThrow().message()).contains("rolled back").contains("Bad configuration option");
        assertThat(r.applier("yum").orElseThrow().state()).isEqualTo(ApplierState.APPLIED);
        assertThat(foreign).hasContent("net.ipv4.ip_forward = 1");
        assertThat(h.file("etc/ssh/sshd_config.d/90-cscs.conf")).doesNotExist();
        assertThat(h.file("etc/yum.repos.d/cscs-epel.repo")).exists();
        assertThat(h.audit("change")).extracting(l -> l.get("applier").asText() + " " + l.get("result").asText())
                .containsExactly("yum applied", "sshd rolled-back");
    }

    @Test
    void dryRunPlansButTouchesNothing() {
        h = new Harness(tmp).configure(c -> c.withDryRun(true)).start();
        h.source.commit("global", put("yum/epel", Harness.YUM), put("service/telnet.socket", "{\"state\": \"masked\"}"));
        StatusReport r = h.settle();

        assertThat(r.applier("yum").orElseThrow().state()).isEqualTo(ApplierState.DRY_RUN);
        assertThat(r.applier("yum").orElseThrow().message()).contains("write etc/yum.repos.d/cscs-epel.repo");
        assertThat(r.applier("service").orElseThrow().state()).isEqualTo(ApplierState.DRY_RUN);
        assertThat(Harness.tree(h.root)).isEmpty();
        assertThat(Harness.tree(h.state)).isEmpty();
        assertThat(h.runner.commands).isEmpty();
    }

    @Test
    void anOverrideAcrossDomainsIsReportedAndTheLaterDomainWins() {
        h = new Harness(tmp).start();
        h.source.commit("global", put("sysctl/net.ipv4.ip_forward", "{\"value\": \"1\"}"), put("sysctl/kernel.sysrq", "{\"value\": \"0\"}"));
        h.source.commit("factory-a", put("sysctl/net.ipv4.ip_forward", "{\"value\": \"0\"}"));
        StatusReport r = h.settle();

        assertThat(h.read("etc/sysctl.d/90-cscs.conf")).contains("net.ipv4.ip_forward = 0").doesNotContain("ip_forward = 1");
        assertThat(r.overrides()).containsExactly(new KeyOverride("sysctl/net.ipv4.ip_forward", "factory-a", List.of("global")));
    }

    @Test
    void theAuditLogHasOneLinePerChangeWithTheDigestsAndNoValues() throws Exception {
        h = new Harness(tmp).start();
        Changeset one = h.source.commit("global", put("yum/epel", Harness.YUM), put("sysctl/kernel.sysrq", "{\"value\": \"0\"}"));
        h.settle();
        Changeset two = h.source.commit("factory-a", put("yum/epel", Harness.YUM.replace("epel/9", "epel/10")));
        h.settle();

        List<JsonNode> lines = h.audit("change");
        assertThat(lines).extracting(l -> l.get("applier").asText()).containsExactly("yum", "sysctl", "yum");
        JsonNode first = lines.get(0);
        assertThat(first.get("node").asText()).isEqualTo("n1");
        assertThat(first.get("result").asText()).isEqualTo("applied");
        assertThat(first.get("keys").get(0).get("key").asText()).isEqualTo("yum/epel");
        assertThat(first.get("keys").get(0).get("digest").asText()).isEqualTo(ChangesetCodec.digest(one.body()).toString());
        assertThat(first.get("files").get(0).get("path").asText()).isEqualTo("etc/yum.repos.d/cscs-epel.repo");
        assertThat(first.get("files").get(0).get("change").asText()).isEqualTo("created");
        JsonNode third = lines.get(2);
        assertThat(third.get("keys").get(0).get("domain").asText()).isEqualTo("factory-a");
        assertThat(third.get("keys").get(0).get("digest").asText()).isEqualTo(ChangesetCodec.digest(two.body()).toString());
        assertThat(third.get("files").get(0).get("change").asText()).isEqualTo("replaced");
        assertThat(Files.readString(h.config.auditLog())).doesNotContain("mirror.example");
    }

    @Test
    void keysOfAppliersNotRunAreIgnoredAndAnUnknownDomainIsReportedNotFatal() {
        h = new Harness(tmp).configure(c -> new AgentConfig(c.nodeId(), List.of("global", "factory-a", "factory-b"), c.root(),
                List.of("yum", "sysctl"), c.reconcileInterval(), c.quietMin(), c.quietMax(), c.statusInterval(), false, false,
                List.of(), c.confirmTimeout(), c.stateDir(), c.auditLog(), c.maxStaleness())).start();
        h.source.commit("global", put("yum/epel", Harness.YUM), put("service/telnet.socket", "{\"state\": \"masked\"}"));
        StatusReport r = h.settle();

        assertThat(r.appliers()).extracting(StatusReport.ApplierStatus::applier).containsExactly("yum", "sysctl");
        assertThat(r.notes()).containsExactly("service/telnet.socket (global): its applier is not run on this node; ignored");
        assertThat(r.errors()).extracting(StatusReport.Problem::code, StatusReport.Problem::message).containsExactly(
                tuple("unknown-domain", "domain factory-b is not in the trust policy; nothing of it is applied"));
        assertThat(h.file("etc/yum.repos.d/cscs-epel.repo")).exists();
        assertThat(h.file("etc/systemd/system/telnet.socket")).doesNotExist();
    }

    @Test
    void anInvalidValueIsSkippedAndReportedAndThePreviousValueStays() {
        h = new Harness(tmp).start();
        h.source.commit("global", put("sysctl/kernel.sysrq", "{\"value\": \"0\"}"));
        h.settle();
        h.source.commit("global", put("sysctl/kernel.sysrq", "{\"value\": \"|/tmp/evil\"}"), put("yum/epel", Harness.YUM));
        StatusReport r = h.settle();

        assertThat(h.read("etc/sysctl.d/90-cscs.conf")).contains("kernel.sysrq = 0");
        assertThat(h.file("etc/yum.repos.d/cscs-epel.repo")).exists();
        assertThat(r.errors()).singleElement().satisfies(p -> {
            assertThat(p.code()).isEqualTo("invalid-value");
            assertThat(p.message()).contains("global: sysctl/kernel.sysrq: seq 2").contains("'|'").contains("previous value stays");
        });
    }

    @Test
    void statusIsCoalescedWhenNothingChangedWithinTheInterval() {
        h = new Harness(tmp).start();
        h.source.commit("global", put("yum/epel", Harness.YUM));
        h.settle();
        h.agent.reconcileNow(); // applied -> in-sync is a change, and is sent
        int afterApply = h.sent.size();

        h.scheduler.advance(Duration.ofSeconds(10));
        h.agent.reconcileNow();
        h.scheduler.advance(Duration.ofSeconds(10));
        h.agent.reconcileNow();
        assertThat(h.sent).hasSize(afterApply);

        h.scheduler.advance(Duration.ofSeconds(10));
        h.agent.reconcileNow(); // 30 s after the last one sent: a heartbeat
        assertThat(h.sent).hasSize(afterApply + 1);

        h.source.commit("global", put("sysctl/kernel.sysrq", "{\"value\": \"0\"}"));
        h.settle();
        assertThat(h.sent).hasSize(afterApply + 2);
        assertThat(h.sent.get(h.sent.size() - 1).applier("sysctl").orElseThrow().state()).isEqualTo(ApplierState.APPLIED);
    }

    @Test
    void aDisconnectedSourceIsReportedUntilItIsBack() {
        h = new Harness(tmp).start();
        h.settle();
        h.source.disconnect("127.0.0.1:7400: connection refused");
        assertThat(h.agent.reconcileNow().errors()).extracting(StatusReport.Problem::code, StatusReport.Problem::message)
                .containsExactly(tuple("unavailable", "source: 127.0.0.1:7400: connection refused"));

        h.source.reconnect();
        assertThat(h.settle().errors()).isEmpty();
    }

    @Test
    void beforeTheFirstDeliveryEveryApplierIsSkippedAndNothingIsRemoved() throws Exception {
        Path managed = Files.createDirectories(tmp.resolve("root/etc/yum.repos.d")).resolve("cscs-old.repo");
        Files.writeString(managed, "# Managed by cscs - do not edit; changes are reverted.\n[old]\n");
        h = new Harness(tmp);
        h.source.silent = true;
        h.start();
        StatusReport r = h.settle();

        assertThat(r.appliers()).allSatisfy(a -> {
            assertThat(a.state()).isEqualTo(ApplierState.SKIPPED);
            assertThat(a.message()).contains("waiting for the first delivery");
        });
        assertThat(managed).exists();
    }
}
