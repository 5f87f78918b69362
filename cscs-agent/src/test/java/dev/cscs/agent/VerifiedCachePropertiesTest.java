package dev.cscs.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cscs.agent.feed.FeedItem;
import dev.cscs.core.error.CscsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The cache file as a power cut or a disk leaves it: cut anywhere, it loads as a prefix of what
 * was saved or is refused with a CscsException; with any byte changed, it is refused or loads no
 * more changesets than were saved (what it loads is verified again, AgentTrustTest).
 */
class VerifiedCachePropertiesTest {
    static byte[] file;
    static List<FeedItem> saved;

    @BeforeContainer
    static void saveThree() throws Exception {
        Path dir = Files.createTempDirectory("verified-cache");
        Path f = dir.resolve("verified.json");
        VerifiedCacheTest fixture = new VerifiedCacheTest();
        saved = fixture.history(3);
        VerifiedCache cache = new VerifiedCache(f);
        for (int i = 1; i <= 3; i++) {
            cache.save(VerifiedCacheTest.DOMAINS, 10L * i, saved.subList(0, i));
        }
        file = Files.readAllBytes(f);
    }

    Optional<VerifiedCache.Saved> load(byte[] bytes) throws Exception {
        Path f = Files.createTempFile("verified", ".json");
        try {
            Files.write(f, bytes);
            return new VerifiedCache(f).load();
        } finally {
            Files.delete(f);
        }
    }

    @Property(tries = 300)
    void aFileCutAnywhereLoadsAPrefixOrIsRefused(@ForAll @IntRange(min = 0, max = 100_000) int at) throws Exception {
        byte[] cut = Arrays.copyOf(file, at % (file.length + 1));
        try {
            Optional<VerifiedCache.Saved> s = load(cut);
            s.ifPresent(v -> assertThat(saved.subList(0, v.items().size())).isEqualTo(v.items()));
        } catch (CscsException refused) {
            assertThat(refused.getMessage()).isNotBlank();
        }
    }

    @Property(tries = 300)
    void aFileWithAByteChangedIsRefusedOrHoldsNoMoreThanWasSaved(@ForAll @IntRange(min = 0, max = 100_000) int at,
                                                                  @ForAll @IntRange(min = 1, max = 255) int xor) throws Exception {
        byte[] bad = file.clone();
        bad[at % bad.length] ^= (byte) xor;
        try {
            load(bad).ifPresent(v -> assertThat(v.items().size()).isLessThanOrEqualTo(saved.size()));
        } catch (CscsException refused) {
            assertThat(refused.getMessage()).isNotBlank();
        }
    }
}
