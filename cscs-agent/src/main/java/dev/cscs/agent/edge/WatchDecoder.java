package dev.cscs.agent.edge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.agent.feed.FeedItem;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.json.Limits;
import dev.cscs.core.json.StrictJson;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.JsonFields;
import dev.cscs.core.model.Names;
import dev.cscs.core.sse.SseParser;
import dev.cscs.core.trust.Freshness;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Decodes the events of {@code GET /v1/watch}, strictly: the changeset inside each event goes
 * through {@link ChangesetCodec#fromTree} with the default limits, and the event's own
 * {@code domain}, {@code seq} and {@code digest} must agree with it. Anything else is
 * {@code MALFORMED}, and the caller drops the connection. Verification is not done here.
 */
final class WatchDecoder {
    /** Depth of a snapshot event around a changeset: root, list, item, changeset. */
    private static final int DEPTH = Limits.DEFAULT.maxDepth() + 6;
    private static final Set<String> ITEM = Set.of("revision", "domain", "seq", "digest", "changeset");

    /** What one event means. */
    sealed interface Decoded permits Item, Snapshot, Fresh, ServerError, Ignored {
    }

    record Item(FeedItem item) implements Decoded {
    }

    record Snapshot(long revision, List<FeedItem> items) implements Decoded {
    }

    /** A signed freshness record, not verified here. */
    record Fresh(long revision, Freshness freshness) implements Decoded {
    }

    /** The server refused the watch (e.g. rate-limited) and will close the stream. */
    record ServerError(String message) implements Decoded {
    }

    /** An event type this client does not know: later servers may add some. */
    record Ignored(String type) implements Decoded {
    }

    private WatchDecoder() {
    }

    static Decoded decode(SseParser.Event e) {
        switch (e.type()) {
            case "changeset": {
                JsonNode o = JsonFields.object(parse(e), "$", ITEM, Set.of("ops"));
                FeedItem item = item(o, "$");
                if (e.id() != null && !e.id().equals(Long.toString(item.revision()))) {
                    throw CscsException.malformed("changeset event: id " + Names.shown(e.id()) + " is not its revision "
                            + item.revision());
                }
                return new Item(item);
            }
            case "snapshot": {
                JsonNode o = JsonFields.object(parse(e), "$", Set.of("revision", "changesets"), Set.of());
                long revision = revision(o, "$");
                JsonNode list = JsonFields.array(o, "changesets", "$");
                List<FeedItem> items = new ArrayList<>();
                for (int i = 0; i < list.size(); i++) {
                    String path = "$.changesets[" + i + "]";
                    FeedItem item = item(JsonFields.object(list.get(i), path, ITEM, Set.of("ops")), path);
                    if (item.revision() > revision) {
                        throw CscsException.malformed("snapshot event: " + path + " has revision " + item.revision()
                                + ", after the snapshot's " + revision);
                    }
                    items.add(item);
                }
                return new Snapshot(revision, items);
            }
            case "freshness": {
                JsonNode o = JsonFields.object(parse(e), "$", Set.of("revision", "freshness"), Set.of());
                return new Fresh(revision(o, "$"), Freshness.fromTree(o.get("freshness")));
            }
            case "error":
                return new ServerError(e.data().length() > 500 ? e.data().substring(0, 500) + "…" : e.data());
            default:
                return new Ignored(e.type());
        }
    }

    private static JsonNode parse(SseParser.Event e) {
        return StrictJson.parse(e.data().getBytes(StandardCharsets.UTF_8), DEPTH, e.type() + " event");
    }

    private static FeedItem item(JsonNode o, String path) {
        long revision = revision(o, path);
        Changeset cs = ChangesetCodec.fromTree(o.get("changeset"), Limits.DEFAULT);
        String domain = JsonFields.text(o, "domain", path);
        long seq = JsonFields.integer(o, "seq", path);
        Digest digest = Digest.parse(JsonFields.text(o, "digest", path));
        if (!domain.equals(cs.body().domain()) || seq != cs.body().seq()) {
            throw CscsException.malformed(path + ": says " + Names.shown(domain) + " seq " + seq + " but carries "
                    + cs.body().domain() + " seq " + cs.body().seq());
        }
        Digest actual = ChangesetCodec.digest(cs.body());
        if (!actual.matches(digest)) {
            throw CscsException.malformed(path + ": says digest " + digest.shortForm() + "… but its changeset's digest is "
                    + actual.shortForm() + "…");
        }
        return new FeedItem(revision, cs);
    }

    private static long revision(JsonNode o, String path) {
        long r = JsonFields.integer(o, "revision", path);
        if (r < 0) {
            throw CscsException.malformed(path + ".revision: must be 0 or more");
        }
        return r;
    }
}
