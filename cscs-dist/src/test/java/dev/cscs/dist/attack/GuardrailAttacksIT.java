package dev.cscs.dist.attack;

import static dev.cscs.core.testing.Chains.put;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cscs.cli.CliRun;
import dev.cscs.core.crypto.KeyFiles;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.Head;
import dev.cscs.core.model.Op;
import dev.cscs.core.testing.Eventually;
import dev.cscs.core.trust.PolicyBuilder;
import dev.cscs.core.trust.PolicyCodec;
import dev.cscs.core.trust.Signing;
import dev.cscs.core.trust.TrustPolicy;
import dev.cscs.dist.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Guardrails against a holder of a real domain key. The roots constrain what {@code global} may
 * hold (with the real {@code cscs trust update --constraints}); then a properly signed but
 * forbidden value is refused at the API with 403 {@code constraint} naming the constraint (an
 * alert on every node, no chain moved, no sandbox file changed), by the leader for a proposal
 * straight through Raft, and a domain signer cannot lift the constraints. The CLI shows the
 * violation before anything is signed. Three {@code java -jar} nodes with agents.
 */
class GuardrailAttacksIT extends AttackFixture {
    private static final String GUARD = String.join("\n",
            "sshd:",
            "  fields:",
            "    settings.PermitRootLogin: {oneOf: [\"no\", prohibit-password]}",
            "sysctl:",
            "  names: [kernel.kptr_restrict, kernel.sysrq, \"net.ipv4.*\"]",
            "yum:",
            "  urlPrefixes: [\"https://canary.example/\", \"https://mirror.example/\"]",
            "  fields: {gpgcheck: {oneOf: [true]}}", "");
    private Path rootKey;
    private Path globalKey;

    @Override
    AttackCluster cluster(Path dir, World world) throws Exception {
        return new AttackCluster(dir, JAR, world, 3, null, "alertInterval: 0s", true);
    }

    private CliRun cscs(String... args) {
        return CliRun.at(cluster.url("n1"), Main::commandLine, args);
    }

    @BeforeAll
    void constrainGlobal() throws Exception {
        rootKey = dir.resolve("root.key");
        globalKey = dir.resolve("global.key");
        KeyFiles.writePrivate(rootKey, world.root, null);
        KeyFiles.writePrivate(globalKey, world.globalSigner, null);
        Path guard = Files.writeString(dir.resolve("guard.yaml"), GUARD);
        CliRun update = cscs("trust", "update", "--constraints", "global=" + guard, "--sign-with", rootKey.toString(),
                "--comment", "guardrails for global");
        assertThat(update.exit()).as(update.err()).isZero();
        assertThat(update.err()).contains("domain changed: global (constraints)");
        for (String id : cluster.ids()) {
            Eventually.await(id + " has the constrained policy", AttackCluster.DEADLINE,
                    () -> !policy(id).domains().get("global").constraints().isEmpty());
        }
    }

    private TrustPolicy policy(String id) {
        return PolicyCodec.parse(cluster.get(id, "/v1/trust").body().path("policy"));
    }

    private Changeset signedGlobal(Op... ops) {
        return World.signed(next("global", ops), world.globalSigner);
    }

    @Test
    void aSignedRepositoryOutsideTheAllowedMirrorsIsRefusedWith403ConstraintAndNothingIsWritten() {
        Map<String, String> before = sandboxes.snapshot();
        AttackCluster.Response r = refusals.refused("n2", signedGlobal(put("yum/evil",
                "{\"name\":\"evil\",\"baseurl\":\"https://mirror.example.evil.test/el9/\",\"gpgcheck\":true}")), 403, "constraint");
        assertThat(r.message()).contains("domain global: key yum/evil breaks constraint yum.urlPrefixes",
                "baseurl is \"https://mirror.example.evil.test/el9/\"");
        sandboxes.assertUnchanged(before);
        assertThat(cluster.root("n1").resolve("etc/yum.repos.d/cscs-evil.repo")).doesNotExist();
    }

    @Test
    void everyForbiddenValueInAChangesetIsNamedAndNoneOfItsOpsApply() {
        Map<String, String> before = sandboxes.snapshot();
        AttackCluster.Response r = refusals.refused("n3", signedGlobal(
                put("yum/nogpg", "{\"name\":\"x\",\"baseurl\":\"https://mirror.example/x/\",\"gpgcheck\":false}"),
                put("sysctl/kernel.randomize_va_space", "{\"value\":\"0\"}"),
                put("sysctl/net.ipv4.ip_forward", "{\"value\":\"1\"}")), 403, "constraint");
        assertThat(r.message()).contains("key yum/nogpg breaks constraint yum.fields.gpgcheck: gpgcheck is false; allowed: true",
                "key sysctl/kernel.randomize_va_space breaks constraint sysctl.names").doesNotContain("net.ipv4.ip_forward");
        sandboxes.assertUnchanged(before);
    }

    @Test
    void aForbiddenValueProposedStraightThroughRaftIsRefusedByTheLeaderBeforeTheLog() throws Exception {
        Map<String, String> before = sandboxes.snapshot();
        Map<String, Map<String, String>> heads = refusals.heads();
        try (RaftBackdoor raft = new RaftBackdoor(cluster, null)) {
            long mark = cluster.alertMark();
            RaftBackdoor.Outcome o = raft.submit("n2", signedGlobal(put("sshd/root", "{\"settings\":{\"PermitRootLogin\":\"yes\"}}")));
            assertThat(o.ok()).as("%s", o).isFalse();
            assertThat(o.code()).as(o.detail()).isEqualTo("constraint");
            cluster.awaitAlert(mark, "constraint", "n2");
        }
        assertThat(refusals.heads()).isEqualTo(heads);
        sandboxes.assertUnchanged(before);
    }

    @Test
    void aDomainSignerCannotLiftTheConstraintsOnlyTheRootsCan() {
        TrustPolicy lifted = PolicyBuilder.from(policy("n1")).constraints("global", null).build();
        Head h = cluster.head("n1", "_trust");
        Changeset change = Signing.unsigned("_trust", h.seq() + 1, h.digest(), Instant.now(),
                List.of(new Op.Put("policy", PolicyCodec.toTree(lifted))), "lift the guardrails");
        refusals.refused("n1", World.signed(change, world.globalSigner), 403, "unauthorized-key");
        assertThat(policy("n2").domains().get("global").constraints().isEmpty()).isFalse();
    }

    @Test
    void theCliShowsViolationsBeforeSigningAndTrustShowListsTheConstraints() throws Exception {
        Path policy = Files.writeString(dir.resolve("global.yaml"), String.join("\n", "domain: global", "entries:",
                "  sshd/root: {settings: {PermitRootLogin: \"yes\"}}",
                "  sysctl/kernel.kptr_restrict: {value: \"2\"}", ""));
        CliRun diff = cscs("diff", "-f", policy.toString());
        assertThat(diff.exit()).as(diff.out() + diff.err()).isEqualTo(3);
        assertThat(diff.err()).contains("1 constraint violation",
                "domain global, key sshd/root breaks constraint sshd.fields.settings.PermitRootLogin");
        CliRun apply = cscs("apply", "-f", policy.toString(), "--sign-with", globalKey.toString());
        assertThat(apply.exit()).isEqualTo(3);
        assertThat(apply.err()).contains("nothing was signed");

        CliRun put = cscs("put", "global", "sshd/root", "{\"settings\":{\"PermitRootLogin\":\"yes\"}}", "--sign-with", globalKey.toString());
        assertThat(put.exit()).isEqualTo(3);
        assertThat(put.err()).contains("constraint", "sshd.fields.settings.PermitRootLogin");

        CliRun show = cscs("trust", "show");
        assertThat(show.exit()).isZero();
        assertThat(show.out()).contains("CONSTRAINT", "sshd.fields.settings.PermitRootLogin", "one of \"no\", \"prohibit-password\" when set",
                "yum.urlPrefixes", "URLs starting with https://canary.example/, https://mirror.example/");
    }
}
