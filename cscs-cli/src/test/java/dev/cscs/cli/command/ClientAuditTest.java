package dev.cscs.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.cli.CliRun;
import dev.cscs.cli.Printer;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.testing.Chains;
import dev.cscs.core.trust.ChainState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `cscs audit --genesis` trusts only the genesis it is given: a node that lies is caught here. */
class ClientAuditTest {
    @TempDir
    Path dir;
    FakeNode node;
    Path genesis;
    Changeset cs1;
    Changeset cs2;

    @BeforeEach
    void chain() throws Exception {
        node = new FakeNode();
        genesis = dir.resolve("genesis.json");
        Files.write(genesis, ChangesetCodec.toPrettyJson(Chains.genesis()));
        ChainState s = Chains.state();
        cs1 = Chains.signed(Chains.next(s, "global", Chains.put("sysctl/a", "{\"value\":\"1\"}")), Chains.signerB());
        s.accept(cs1);
        cs2 = Chains.signed(Chains.next(s, "global", Chains.put("sysctl/a", "{\"value\":\"2\"}")), Chains.signerB());
        serve("_trust", 1, entry(Chains.genesis(), 1));
        serve("global", 2, entry(cs1, 2), entry(cs2, 3));
    }

    @AfterEach
    void stop() {
        node.close();
    }

    private static ObjectNode entry(Changeset cs, long revision) {
        ObjectNode o = Printer.object().put("revision", revision).put("domain", cs.body().domain()).put("seq", cs.body().seq())
                .put("digest", ChangesetCodec.digest(cs.body()).toString());
        o.set("changeset", ChangesetCodec.toTree(cs));
        return o;
    }

    private void serve(String domain, long headSeq, ObjectNode... entries) {
        ObjectNode page = Printer.object().put("domain", domain).put("revision", 3);
        ObjectNode last = entries[entries.length - 1];
        page.putObject("head").put("seq", headSeq).put("digest", last.path("digest").asText());
        ArrayNode list = page.putArray("changesets");
        List.of(entries).forEach(list::add);
        node.answers.put("/v1/changesets/" + domain, page);
    }

    private CliRun audit() {
        return CliRun.of("audit", "--genesis", genesis.toString(), "--endpoint", node.url());
    }

    @Test
    void anHonestChainVerifiesFromTheGenesis() {
        CliRun r = audit().ok();
        assertThat(r.out()).containsPattern("global\\s+2\\s+sha256:\\S+\\s+OK").containsPattern("_trust\\s+1\\s+sha256:\\S+\\s+OK");
    }

    @Test
    void aChangesetAlteredAfterSigningIsABreakNamedByDomainSeqAndReason() {
        ObjectNode tampered = entry(cs2, 3);
        ((ObjectNode) tampered.path("changeset").path("body").path("ops").get(0).path("value")).put("value", "0");
        serve("global", 2, entry(cs1, 2), tampered);
        CliRun r = audit();
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(3);
        assertThat(r.out()).contains("BROKEN at seq 2").contains("break: ").contains("global seq 2 (revision 3)");
    }

    @Test
    void aNodeThatClaimsAHeadItCannotShowIsABreak() {
        serve("global", 3, entry(cs1, 2), entry(cs2, 3));
        CliRun r = audit();
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.out()).contains("head-mismatch").contains("the node reports head 3");
    }

    @Test
    void aChainWithAMissingLinkIsABreak() {
        serve("global", 2, entry(cs2, 3));
        CliRun r = audit();
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.out()).contains("global seq 2");
    }
}
