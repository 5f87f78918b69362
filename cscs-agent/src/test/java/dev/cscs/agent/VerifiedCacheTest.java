package dev.cscs.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cscs.agent.feed.FeedItem;
import dev.cscs.core.crypto.KeyGen;
import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.json.Jcs;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Op;
import dev.cscs.core.trust.Signing;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verified cache costs a change its own size: a save appends what is new, a torn append is
 * dropped on load, a damaged complete line fails closed, and the first format is still read.
 */
class VerifiedCacheTest {
    static final List<String> DOMAINS = List.of("global");
    final PrivateKeyRef key = KeyGen.generate("ed25519");
    @TempDir
    Path dir;
    Path f;
    VerifiedCache cache;

    @BeforeEach
    void emptyCache() {
        f = dir.resolve("verified.json");
        cache = new VerifiedCache(f);
    }

    /** What a restarted agent loads from the file. */
    VerifiedCache.Saved reloaded() {
        return new VerifiedCache(f).load().orElseThrow();
    }

    List<FeedItem> history(int n) {
        List<FeedItem> items = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            items.add(new FeedItem(10L * i, Signing.sign(Signing.unsigned("global", i, Digest.of(new byte[] {(byte) i}),
                    Instant.parse("2026-12-03T00:00:00Z"), List.of(new Op.Put("sysctl/k" + i,
                            JsonNodeFactory.instance.objectNode().put("value", Integer.toString(i)))), null), key, null)));
        }
        return items;
    }

    List<String> lines(Path f) throws Exception {
        return Files.readAllLines(f, StandardCharsets.UTF_8);
    }

    @Test
    void eachSaveAppendsOnlyTheChangesetsAcceptedSinceTheLast() throws Exception {
        List<FeedItem> items = history(3);
        cache.save(DOMAINS, 10, items.subList(0, 1));
        cache.save(DOMAINS, 20, items.subList(0, 2));
        cache.save(DOMAINS, 35, items);

        assertThat(lines(f)).hasSize(4);
        assertThat(lines(f).get(3)).contains("sysctl/k3").doesNotContain("sysctl/k1").doesNotContain("sysctl/k2");
        VerifiedCache.Saved saved = reloaded();
        assertThat(saved.revision()).isEqualTo(35);
        assertThat(saved.domains()).isEqualTo(DOMAINS);
        assertThat(saved.items()).isEqualTo(items);
    }

    @Test
    void aTornAppendIsDroppedAndTheNextSaveRewritesTheFileWhole() throws Exception {
        List<FeedItem> items = history(2);
        cache.save(DOMAINS, 10, items.subList(0, 1));
        String torn = lines(f).get(1).substring(0, 40);
        Files.writeString(f, torn, StandardOpenOption.APPEND);

        VerifiedCache restarted = new VerifiedCache(f);
        assertThat(restarted.load().orElseThrow().items()).isEqualTo(items.subList(0, 1));
        restarted.save(DOMAINS, 20, items);

        assertThat(lines(f)).hasSize(2);
        assertThat(reloaded().items()).isEqualTo(items);
    }

    @Test
    void aDamagedCompleteLineFailsClosedNamingTheLine() throws Exception {
        List<FeedItem> items = history(2);
        cache.save(DOMAINS, 10, items.subList(0, 1));
        cache.save(DOMAINS, 20, items);
        List<String> l = lines(f);
        Files.writeString(f, l.get(0) + "\n" + l.get(1).substring(0, 30) + "\n" + l.get(2) + "\n");

        assertThatThrownBy(() -> new VerifiedCache(f).load()).isInstanceOf(CscsException.class).hasMessageContaining("verified.json:2");
    }

    @Test
    void aHistoryThatIsNotAnExtensionOfTheFileIsWrittenWhole() throws Exception {
        cache.save(DOMAINS, 20, history(2));
        List<FeedItem> other = history(1);
        cache.save(DOMAINS, 30, other);

        assertThat(lines(f)).hasSize(2);
        assertThat(reloaded().items()).isEqualTo(other);
    }

    @Test
    void recordsWithoutNewChangesetsDoNotGrowTheFileWithoutBound() throws Exception {
        List<FeedItem> items = history(1);
        for (int i = 0; i < 500; i++) {
            cache.save(DOMAINS, 10 + i, items);
        }
        assertThat(lines(f).size()).isLessThanOrEqualTo(2 + 64);
        assertThat(reloaded().revision()).isEqualTo(509);
    }

    @Test
    void theFirstFormatIsStillRead() throws Exception {
        List<FeedItem> items = history(2);
        var root = JsonNodeFactory.instance.objectNode().put("format", VerifiedCache.FORMAT_V1).put("revision", 25);
        root.putArray("domains").add("global");
        var list = root.putArray("changesets");
        items.forEach(i -> list.addObject().put("revision", i.revision()).set("changeset", ChangesetCodec.toTree(i.changeset())));
        Files.write(f, Jcs.canonicalize(root));

        VerifiedCache.Saved saved = reloaded();
        assertThat(saved.items()).isEqualTo(items);
        assertThat(saved.revision()).isEqualTo(25);
    }
}
