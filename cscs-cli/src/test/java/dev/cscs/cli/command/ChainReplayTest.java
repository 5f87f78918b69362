package dev.cscs.cli.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.cli.Printer;
import dev.cscs.cli.http.ApiClient;
import dev.cscs.core.crypto.KeyGen;
import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Op;
import dev.cscs.core.testing.Chains;
import dev.cscs.core.trust.Signing;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@code revert} and {@code get --at-seq} derive their values from: a history verified here
 * from the genesis. A node that edits, drops, forges or re-signs it, or pages it wrongly, is refused.
 */
class ChainReplayTest {
    FakeNode node;
    ApiClient api;

    @BeforeEach
    void start() throws Exception {
        node = new FakeNode();
        api = new ApiClient(List.of(node.url()), HttpClient.newHttpClient(), Duration.ofSeconds(10));
        serve("_trust", List.of(entry(Chains.genesis(), 1)));
    }

    @AfterEach
    void stop() {
        node.close();
    }

    /** seq 1: put a=1; seq 2: put a=2, put b=1; seq 3: delete b; each linked to the one before and signed by {@code key}. */
    private static List<Changeset> chain(PrivateKeyRef key) {
        List<List<Op>> ops = List.of(List.of(Chains.put("sysctl/a", "{\"value\":\"1\"}")),
                List.of(Chains.put("sysctl/a", "{\"value\":\"2\"}"), Chains.put("sysctl/b", "{\"value\":\"1\"}")),
                List.of(new Op.Delete("sysctl/b")));
        List<Changeset> out = new ArrayList<>();
        Digest prev = Chains.state().head("global").digest();
        for (int i = 0; i < ops.size(); i++) {
            Changeset cs = Signing.sign(Signing.unsigned("global", i + 1, prev, Chains.T0, ops.get(i), null), key, null);
            out.add(cs);
            prev = ChangesetCodec.digest(cs.body());
        }
        return out;
    }

    private static ObjectNode entry(Changeset cs, long revision) {
        ObjectNode o = Printer.object().put("revision", revision).put("domain", cs.body().domain()).put("seq", cs.body().seq())
                .put("digest", ChangesetCodec.digest(cs.body()).toString());
        o.set("changeset", ChangesetCodec.toTree(cs));
        return o;
    }

    private static List<ObjectNode> entries(List<Changeset> chain) {
        List<ObjectNode> out = new ArrayList<>();
        for (Changeset cs : chain) {
            out.add(entry(cs, cs.body().seq() + 1));
        }
        return out;
    }

    private void serve(String domain, List<ObjectNode> entries) {
        serve(domain, entries, entries.isEmpty() ? 0 : entries.get(entries.size() - 1).path("seq").asLong());
    }

    private void serve(String domain, List<ObjectNode> entries, long headSeq) {
        ObjectNode page = Printer.object().put("domain", domain).put("revision", 4);
        page.putObject("head").put("seq", headSeq)
                .put("digest", entries.isEmpty() ? "" : entries.get(entries.size() - 1).path("digest").asText());
        ArrayNode list = page.putArray("changesets");
        entries.forEach(list::add);
        node.answers.put("/v1/changesets/" + domain, page);
    }

    private void assertRefused(String why) {
        assertThatThrownBy(() -> ChainReplay.verified(api, Chains.genesis(), "global")).isInstanceOf(CscsException.class)
                .hasMessageContaining("does not verify from the genesis").hasMessageContaining(why)
                .matches(e -> ((CscsException) e).code() == ErrorCode.BAD_SIGNATURE);
    }

    @Test
    void anIntactChainReplaysToEachSeq() {
        serve("global", entries(chain(Chains.signerB())));
        ChainReplay r = ChainReplay.verified(api, Chains.genesis(), "global");
        assertThat(r.headSeq()).isEqualTo(3);
        assertThat(r.stateAt(0)).isEmpty();
        assertThat(r.stateAt(2).get("sysctl/a").value().path("value").asText()).isEqualTo("2");
        assertThat(r.stateAt(2).get("sysctl/a").seq()).isEqualTo(2);
        assertThat(r.stateAt(3)).containsOnlyKeys("sysctl/a");
        assertThatThrownBy(() -> r.stateAt(4)).hasMessageContaining("0..3");
    }

    @Test
    void aValueEditedAfterSigningIsRefused() {
        List<ObjectNode> e = entries(chain(Chains.signerB()));
        ((ObjectNode) e.get(0).path("changeset").path("body").path("ops").get(0).path("value")).put("value", "9");
        serve("global", e);
        assertRefused("global seq 1");
    }

    @Test
    void aHistoryRewrittenAndRelinkedUnderAnotherKeyIsRefused() {
        // every digest and prev link holds, and the head matches: only the signatures give it away
        serve("global", entries(chain(KeyGen.generate("ed25519"))));
        assertRefused("global seq 1");
    }

    @Test
    void aDroppedChangesetIsRefused() {
        List<ObjectNode> e = entries(chain(Chains.signerB()));
        e.remove(1);
        serve("global", e);
        assertRefused("listed global seq 3 where seq 2 comes next");
    }

    @Test
    void aHeadTheChainDoesNotReachIsRefused() {
        serve("global", entries(chain(Chains.signerB())), 4);
        assertRefused("the node reports head 4");
    }

    @Test
    void aNodeThatIgnoresFromSeqIsRefusedInsteadOfBeingReadForever() {
        List<ObjectNode> full = new ArrayList<>();
        for (int seq = 1; seq <= ChangesetPages.PAGE; seq++) {
            full.add(Printer.object().put("revision", seq + 1).put("domain", "global").put("seq", seq));
        }
        serve("global", full);
        node.ignoreFromSeq = true;
        assertRefused("listed global seq 1 where seq " + (ChangesetPages.PAGE + 1) + " comes next");
    }
}
