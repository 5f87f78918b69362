package dev.cscs.dist.attack;

import static dev.cscs.core.testing.Chains.put;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cscs.core.model.Changeset;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Values that are well-formed and properly signed but would make an applier reach outside
 * what cscs manages: sshd options that name a file sshd reads (and, for Banner, sends to every
 * client before login) or a command it runs. The schema check refuses them at submission, on
 * the API and on the leader for a proposal straight through Raft, and no node writes anything.
 * Three {@code java -jar} nodes, each applying to its own sandbox root.
 */
class ApplierAttacksIT extends AttackFixture {
    @Override
    AttackCluster cluster(Path dir, World world) throws Exception {
        return new AttackCluster(dir, JAR, world, 3, null, "alertInterval: 0s", true);
    }

    private Changeset signedSshd(String name, String settings) {
        return World.signed(next("global", put("sshd/" + name, "{\"settings\": " + settings + "}")), world.globalSigner);
    }

    private void assertNoSshdDropInAnywhere() {
        for (String id : cluster.ids()) {
            assertThat(cluster.root(id).resolve("etc/ssh/sshd_config.d/90-cscs.conf")).doesNotExist();
        }
    }

    @Test
    void aSignedBannerNamingEtcShadowIsRefusedAtSubmissionAndNothingIsWritten() {
        Map<String, String> before = sandboxes.snapshot();
        AttackCluster.Response r = refusals.refused("n1", signedSshd("x", "{\"Banner\": \"/etc/shadow\"}"), 400, "invalid-value");
        assertThat(r.message()).contains("sshd/x", "settings.Banner", "/etc/shadow", "sends the Banner file to every client");
        sandboxes.assertUnchanged(before);
        assertNoSshdDropInAnywhere();
    }

    @Test
    void everySshdOptionThatNamesAFileOrACommandIsRefusedAtSubmission() {
        Map<String, String> before = sandboxes.snapshot();
        List<String> attacks = List.of("{\"Banner\": \"/root/.ssh/id_ed25519\"}", "{\"Banner\": \"/etc/../etc/shadow\"}",
                "{\"AuthorizedKeysFile\": \"/tmp/keys\"}", "{\"AuthorizedKeysCommand\": \"/bin/sh -c id\"}",
                "{\"TrustedUserCAKeys\": \"/tmp/ca.pub\"}", "{\"HostKey\": \"/etc/shadow\"}", "{\"ForceCommand\": \"/bin/sh\"}",
                "{\"Include\": \"/tmp/evil.conf\"}", "{\"AllowUsers\": \"/etc/shadow\"}");
        for (int i = 0; i < attacks.size(); i++) {
            AttackCluster.Response r = refusals.refused("n" + (1 + i % 3), signedSshd("x" + i, attacks.get(i)), 400, "invalid-value");
            assertThat(r.message()).as(attacks.get(i)).contains("sshd/x" + i, "settings.");
        }
        sandboxes.assertUnchanged(before);
        assertNoSshdDropInAnywhere();
    }

    @Test
    void aBannerNamingEtcShadowProposedStraightThroughRaftIsRefusedByTheLeader() throws Exception {
        Map<String, String> before = sandboxes.snapshot();
        Map<String, Map<String, String>> heads = refusals.heads();
        long mark = cluster.alertMark();
        try (RaftBackdoor raft = new RaftBackdoor(cluster, null)) {
            RaftBackdoor.Outcome o = raft.submit("n2", signedSshd("x", "{\"Banner\": \"/etc/shadow\"}"));
            assertThat(o.ok()).as(o.toString()).isFalse();
            assertThat(o.code()).as(o.detail()).isEqualTo("invalid-value");
        }
        cluster.awaitAlert(mark, "invalid-value", "n2");
        assertThat(refusals.heads()).isEqualTo(heads);
        sandboxes.assertUnchanged(before);
        assertNoSshdDropInAnywhere();
    }
}
