package dev.cscs.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.agent.feed.FeedItem;
import dev.cscs.agent.os.AtomicFiles;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.json.Jcs;
import dev.cscs.core.json.Limits;
import dev.cscs.core.json.StrictJson;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.JsonFields;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The changesets the agent verified and applied, kept under the state dir so that after a
 * restart it can keep enforcing (and drift-correcting) its last verified configuration while
 * cut off from the source, and resume the feed where it stopped instead of from revision 0.
 *
 * <p>The file is never trusted: every changeset in it is verified again from the genesis when
 * it is loaded, exactly as if a feed had delivered it.
 */
final class VerifiedCache {
    static final String FORMAT = "cscs/agent-verified/v1";
    /** Far above any fleet's configuration; a larger file is not ours. */
    static final long MAX_BYTES = 256L << 20;
    private final Path file;

    VerifiedCache(Path file) {
        this.file = file;
    }

    /** What a cache file holds: the watched domains it was made for, the resume revision, the changesets. */
    record Saved(List<String> domains, long revision, List<FeedItem> items) {
    }

    void save(List<String> domains, long revision, List<FeedItem> items) {
        ObjectNode root = JsonNodeFactory.instance.objectNode().put("format", FORMAT);
        domains.forEach(root.putArray("domains")::add);
        root.put("revision", revision);
        ArrayNode list = root.putArray("changesets");
        for (FeedItem i : items) {
            list.addObject().put("revision", i.revision()).set("changeset", ChangesetCodec.toTree(i.changeset()));
        }
        AtomicFiles.write(file, Jcs.canonicalize(root), AtomicFiles.DEFAULT_MODE);
    }

    /** The saved cache, or empty when there is none; throws when it is unreadable or malformed. */
    Optional<Saved> load() {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new CscsException(ErrorCode.TOO_LARGE, file + " is larger than " + MAX_BYTES + " bytes");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new CscsException(ErrorCode.IO, "cannot read " + file + ": " + e, e);
        }
        JsonNode root = JsonFields.object(StrictJson.parse(bytes, Limits.DEFAULT.maxDepth() + 4, file.toString()), "$",
                Set.of("format", "domains", "revision", "changesets"), Set.of());
        if (!FORMAT.equals(JsonFields.text(root, "format", "$"))) {
            throw CscsException.malformed(file + ": $.format is not " + FORMAT);
        }
        List<String> domains = new ArrayList<>();
        for (JsonNode d : JsonFields.array(root, "domains", "$")) {
            if (!d.isTextual()) {
                throw CscsException.malformed(file + ": $.domains must hold strings");
            }
            domains.add(d.textValue());
        }
        List<FeedItem> items = new ArrayList<>();
        JsonNode list = JsonFields.array(root, "changesets", "$");
        for (int i = 0; i < list.size(); i++) {
            String path = "$.changesets[" + i + "]";
            JsonNode n = JsonFields.object(list.get(i), path, Set.of("revision", "changeset"), Set.of());
            items.add(new FeedItem(JsonFields.integer(n, "revision", path), ChangesetCodec.fromTree(n.get("changeset"), Limits.DEFAULT)));
        }
        return Optional.of(new Saved(domains, JsonFields.integer(root, "revision", "$"), items));
    }
}
