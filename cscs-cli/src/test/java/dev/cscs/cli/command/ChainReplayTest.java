package dev.cscs.cli.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.sun.net.httpserver.HttpServer;
import dev.cscs.cli.Printer;
import dev.cscs.cli.http.ApiClient;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Op;
import dev.cscs.core.testing.Chains;
import dev.cscs.core.trust.Signing;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client-side replay refuses a chain a server edited, truncated or reordered. */
class ChainReplayTest {
    private static final Digest ANCHOR = Digest.of("domain added".getBytes(StandardCharsets.UTF_8));
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** seq 1: put a=1; seq 2: put a=2, put b=1; seq 3: delete b. */
    private static List<Changeset> chain() {
        List<Changeset> out = new ArrayList<>();
        Digest prev = ANCHOR;
        List<List<Op>> ops = List.of(List.of(put("sysctl/a", "1")), List.of(put("sysctl/a", "2"), put("sysctl/b", "1")),
                List.of(new Op.Delete("sysctl/b")));
        for (int i = 0; i < ops.size(); i++) {
            Changeset cs = Signing.sign(Signing.unsigned("global", i + 1, prev, Chains.T0, ops.get(i), null), Chains.signerB(), null);
            out.add(cs);
            prev = ChangesetCodec.digest(cs.body());
        }
        return out;
    }

    private static Op put(String key, String value) {
        return new Op.Put(key, JsonNodeFactory.instance.objectNode().put("value", value));
    }

    /** Serves {@code chain} as GET /v1/changesets/global does, after {@code tamper} edits the reply. */
    private ApiClient serve(List<Changeset> chain, Consumer<ObjectNode> tamper) throws Exception {
        ObjectNode reply = Printer.object().put("domain", "global");
        Changeset last = chain.get(chain.size() - 1);
        reply.putObject("head").put("seq", last.body().seq()).put("digest", ChangesetCodec.digest(last.body()).toString());
        ArrayNode list = reply.putArray("changesets");
        for (Changeset cs : chain) {
            list.addObject().put("domain", "global").put("seq", cs.body().seq())
                    .put("digest", ChangesetCodec.digest(cs.body()).toString()).set("changeset", ChangesetCodec.toTree(cs));
        }
        tamper.accept(reply);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/changesets/global", x -> {
            // pages as the real server does: changesets from fromSeq on
            long from = Long.parseLong(x.getRequestURI().getQuery().replaceAll(".*fromSeq=([0-9]+).*", "$1"));
            ObjectNode page = reply.deepCopy();
            ArrayNode kept = page.putArray("changesets");
            reply.path("changesets").forEach(c -> {
                if (c.path("seq").asLong() >= from) {
                    kept.add(c);
                }
            });
            byte[] body = Printer.toJson(page).getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        server.start();
        return new ApiClient("http://127.0.0.1:" + server.getAddress().getPort(), HttpClient.newHttpClient());
    }

    @Test
    void anIntactChainReplaysToEachSeq() throws Exception {
        ChainReplay r = ChainReplay.read(serve(chain(), x -> { }), "global");
        assertThat(r.headSeq()).isEqualTo(3);
        assertThat(r.stateAt(0)).isEmpty();
        assertThat(r.stateAt(2).get("sysctl/a").value().path("value").asText()).isEqualTo("2");
        assertThat(r.stateAt(2).get("sysctl/a").seq()).isEqualTo(2);
        assertThat(r.stateAt(3)).containsOnlyKeys("sysctl/a");
        assertThatThrownBy(() -> r.stateAt(4)).hasMessageContaining("0..3");
    }

    @Test
    void anEditedValueIsCaughtByTheRecomputedDigest() throws Exception {
        ApiClient api = serve(chain(), x -> ((ObjectNode) x.path("changesets").get(0).path("changeset").path("body").path("ops")
                .get(0).path("value")).put("value", "9"));
        assertThatThrownBy(() -> ChainReplay.read(api, "global")).isInstanceOf(CscsException.class)
                .hasMessageContaining("seq 1: the server's digest").matches(e -> ((CscsException) e).code() == ErrorCode.BAD_SIGNATURE);
    }

    @Test
    void anEditedValueWithARecomputedDigestBreaksTheNextLink() throws Exception {
        List<Changeset> c = chain();
        Changeset forged = Signing.unsigned("global", 1, ANCHOR, Chains.T0, List.of(put("sysctl/a", "9")), null);
        c.set(0, Signing.sign(forged, Chains.signerB(), null));
        assertThatThrownBy(() -> ChainReplay.read(serve(c, x -> { }), "global"))
                .hasMessageContaining("seq 2 links to").hasMessageContaining("not to seq 1");
    }

    @Test
    void aDroppedChangesetIsAGap() throws Exception {
        ApiClient api = serve(chain(), x -> ((ArrayNode) x.path("changesets")).remove(1));
        assertThatThrownBy(() -> ChainReplay.read(api, "global")).hasMessageContaining("expected global seq 2, got global seq 3");
    }

    @Test
    void aChainThatStopsShortOfTheHeadIsRefused() throws Exception {
        ApiClient api = serve(chain(), x -> ((ArrayNode) x.path("changesets")).remove(2));
        assertThatThrownBy(() -> ChainReplay.read(api, "global")).hasMessageContaining("the chain ends at seq 2")
                .hasMessageContaining("the head is seq 3");
    }

    @Test
    void aHeadThatIsNotTheLastLinkIsRefused() throws Exception {
        ApiClient api = serve(chain(), x -> ((ObjectNode) x.path("head")).set("digest", new TextNode(ANCHOR.toString())));
        assertThatThrownBy(() -> ChainReplay.read(api, "global")).hasMessageContaining("but the head is seq 3 (" + ANCHOR);
    }
}
