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
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 *
 * <p>It is JSON lines: a header (format, watched domains), then records, each with the resume
 * revision and the changesets accepted since the record before. A save appends one record and
 * fsyncs it, so a change costs its own size, not the whole history's (rewriting the file took
 * 5 ms per change at 120 changesets, and grew with them). The file is rewritten whole, atomically,
 * when this process did not write what it holds (the first save after a start), when the accepted
 * history is not an extension of what was written, and when records outnumber the changesets. A
 * power cut during an append leaves a last line without its newline; it was never relied on
 * (the save had not returned) and is ignored. The first format, one object, is still read.
 */
final class VerifiedCache {
    static final String FORMAT = "cscs/agent-verified/v2";
    static final String FORMAT_V1 = "cscs/agent-verified/v1";
    /** Far above any fleet's configuration; a larger file is not ours. */
    static final long MAX_BYTES = 256L << 20;
    private static final int MIN_RECORDS_BEFORE_REWRITE = 64;
    private final Path file;
    /** What the file holds, as this process wrote it; null until it wrote it whole. */
    private Written written;

    private record Written(List<String> domains, int items, FeedItem last, int records) {
    }

    VerifiedCache(Path file) {
        this.file = file;
    }

    /** What a cache file holds: the watched domains it was made for, the resume revision, the changesets. */
    record Saved(List<String> domains, long revision, List<FeedItem> items) {
    }

    void save(List<String> domains, long revision, List<FeedItem> items) {
        Written w = written;
        FeedItem last = items.isEmpty() ? null : items.get(items.size() - 1);
        if (w != null && w.domains.equals(domains) && items.size() >= w.items && (w.items == 0 || items.get(w.items - 1) == w.last)
                && w.records < Math.max(MIN_RECORDS_BEFORE_REWRITE, items.size())) {
            append(record(revision, items.subList(w.items, items.size())));
            written = new Written(w.domains, items.size(), last, w.records + 1);
            return;
        }
        written = null;
        ObjectNode header = JsonNodeFactory.instance.objectNode().put("format", FORMAT);
        domains.forEach(header.putArray("domains")::add);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(line(header));
        out.writeBytes(record(revision, items));
        AtomicFiles.write(file, out.toByteArray(), AtomicFiles.DEFAULT_MODE);
        written = new Written(List.copyOf(domains), items.size(), last, 1);
    }

    private static byte[] record(long revision, List<FeedItem> items) {
        ObjectNode r = JsonNodeFactory.instance.objectNode().put("revision", revision);
        ArrayNode list = r.putArray("changesets");
        for (FeedItem i : items) {
            list.addObject().put("revision", i.revision()).set("changeset", ChangesetCodec.toTree(i.changeset()));
        }
        return line(r);
    }

    private static byte[] line(ObjectNode n) {
        byte[] json = Jcs.canonicalize(n);
        byte[] out = new byte[json.length + 1];
        System.arraycopy(json, 0, out, 0, json.length);
        out[json.length] = '\n';
        return out;
    }

    private void append(byte[] record) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer b = ByteBuffer.wrap(record);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        } catch (IOException e) {
            written = null; // what the file ends with is unknown now: the next save rewrites it
            throw new CscsException(ErrorCode.IO, "cannot append to " + file + ": " + e, e);
        }
    }

    /** The saved cache, or empty when there is none; throws when it is unreadable or malformed. */
    Optional<Saved> load() {
        written = null;
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
        List<byte[]> lines = completeLines(bytes);
        if (lines.isEmpty()) {
            throw CscsException.malformed(file + " holds no complete line");
        }
        JsonNode first = StrictJson.parse(lines.get(0), Limits.DEFAULT.maxDepth() + 4, file + ":1");
        if (first.isObject() && FORMAT_V1.equals(first.path("format").textValue()) && lines.size() == 1) {
            return Optional.of(v1(first));
        }
        JsonNode header = JsonFields.object(first, "line 1", Set.of("format", "domains"), Set.of());
        if (!FORMAT.equals(JsonFields.text(header, "format", "line 1"))) {
            throw CscsException.malformed(file + ": line 1's format is neither " + FORMAT + " nor " + FORMAT_V1);
        }
        if (lines.size() < 2) {
            throw CscsException.malformed(file + " has a header and no record");
        }
        List<FeedItem> items = new ArrayList<>();
        long revision = 0;
        for (int n = 1; n < lines.size(); n++) {
            String where = "line " + (n + 1);
            JsonNode r = JsonFields.object(StrictJson.parse(lines.get(n), Limits.DEFAULT.maxDepth() + 4, file + ":" + (n + 1)),
                    where, Set.of("revision", "changesets"), Set.of());
            revision = JsonFields.integer(r, "revision", where);
            items(r, where, items);
        }
        return Optional.of(new Saved(domains(header, "line 1"), revision, items));
    }

    private Saved v1(JsonNode root) {
        JsonFields.object(root, "$", Set.of("format", "domains", "revision", "changesets"), Set.of());
        List<FeedItem> items = new ArrayList<>();
        items(root, "$", items);
        return new Saved(domains(root, "$"), JsonFields.integer(root, "revision", "$"), items);
    }

    private List<String> domains(JsonNode n, String where) {
        List<String> domains = new ArrayList<>();
        for (JsonNode d : JsonFields.array(n, "domains", where)) {
            if (!d.isTextual()) {
                throw CscsException.malformed(file + ": " + where + ".domains must hold strings");
            }
            domains.add(d.textValue());
        }
        return domains;
    }

    private static void items(JsonNode record, String where, List<FeedItem> into) {
        JsonNode list = JsonFields.array(record, "changesets", where);
        for (int i = 0; i < list.size(); i++) {
            String path = where + ".changesets[" + i + "]";
            JsonNode n = JsonFields.object(list.get(i), path, Set.of("revision", "changeset"), Set.of());
            into.add(new FeedItem(JsonFields.integer(n, "revision", path), ChangesetCodec.fromTree(n.get("changeset"), Limits.DEFAULT)));
        }
    }

    /** The lines that end with a newline; what follows the last one is a torn append. */
    private static List<byte[]> completeLines(byte[] bytes) {
        List<byte[]> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                byte[] l = new byte[i - start];
                System.arraycopy(bytes, start, l, 0, l.length);
                lines.add(l);
                start = i + 1;
            }
        }
        if (start == 0 && bytes.length > 0 && lines.isEmpty()) {
            lines.add(bytes); // the first format: one object, no newline
        }
        return lines;
    }
}
