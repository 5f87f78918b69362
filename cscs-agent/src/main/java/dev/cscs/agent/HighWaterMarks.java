package dev.cscs.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.agent.os.AtomicFiles;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.json.StrictJson;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Head;
import dev.cscs.core.model.JsonFields;
import dev.cscs.core.model.Names;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Per chain, the seq and digest of the configuration last applied, persisted so that neither
 * a restart nor a stale or forked source can take the node back to older signed config (the
 * replay and rollback row of DESIGN.md §3). A source whose chain is below a mark, or whose
 * changeset at the mark's seq has another digest, is refused.
 *
 * <p>File: {@code {"format":"cscs/agent-marks/v1","marks":{"global":"3:sha256:…"}}}, written
 * with {@link AtomicFiles}. An unreadable file fails closed: the caller refuses to apply until
 * an operator repairs or removes it.
 */
final class HighWaterMarks {
    static final String FORMAT = "cscs/agent-marks/v1";
    private final Path file;
    private Map<String, Head> marks;

    private HighWaterMarks(Path file, Map<String, Head> marks) {
        this.file = file;
        this.marks = Collections.unmodifiableMap(new TreeMap<>(marks));
    }

    /** No marks yet; {@link #advance} will create {@code file}. */
    static HighWaterMarks none(Path file) {
        return new HighWaterMarks(file, Map.of());
    }

    /** The marks in {@code file}; none when it does not exist. Throws {@code IO}/{@code MALFORMED} when unreadable. */
    static HighWaterMarks load(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new HighWaterMarks(file, Map.of());
        } catch (IOException e) {
            throw new CscsException(ErrorCode.IO, "cannot read the high-water marks " + file + ": " + e, e);
        }
        try {
            JsonNode root = JsonFields.object(StrictJson.parse(bytes, 4, file.toString()), "$", Set.of("format", "marks"), Set.of());
            if (!FORMAT.equals(JsonFields.text(root, "format", "$"))) {
                throw CscsException.malformed("$.format is not " + FORMAT);
            }
            JsonNode m = root.get("marks");
            if (!m.isObject()) {
                throw CscsException.malformed("$.marks must be an object");
            }
            Map<String, Head> out = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                Names.checkChangesetDomain(e.getKey());
                out.put(e.getKey(), Head.parse(JsonFields.text(m, e.getKey(), "$.marks")));
            }
            return new HighWaterMarks(file, out);
        } catch (CscsException e) {
            throw new CscsException(e.code(), "the high-water marks " + file + " are corrupt: " + e.getMessage(), e);
        }
    }

    Map<String, Head> marks() {
        return marks;
    }

    /**
     * Raises the marks to {@code heads} (seq 0 chains have nothing to protect) and writes them if
     * they changed. A mark never goes down: {@code heads} passed {@link #violations} first.
     */
    boolean advance(Map<String, Head> heads) {
        Map<String, Head> next = new TreeMap<>(marks);
        heads.forEach((d, h) -> {
            if (h.seq() > 0) {
                next.put(d, h);
            }
        });
        if (next.equals(marks)) {
            return false;
        }
        ObjectNode root = JsonNodeFactory.instance.objectNode().put("format", FORMAT);
        ObjectNode m = root.putObject("marks");
        next.forEach((d, h) -> m.put(d, h.toString()));
        AtomicFiles.write(file, (root.toString() + "\n").getBytes(StandardCharsets.UTF_8), AtomicFiles.DEFAULT_MODE);
        marks = Collections.unmodifiableMap(next);
        return true;
    }

    /**
     * Why {@code chains} may not be applied over {@code floor} (the marks, or what the agent
     * verified before): empty when every chain reaches its floor with the same digest there.
     */
    static List<Violation> violations(Map<String, Head> floor, VerifiedChains chains, String floorName) {
        List<Violation> out = new ArrayList<>();
        floor.forEach((domain, mark) -> {
            if (mark.seq() < 1) {
                return;
            }
            Head have = chains.head(domain);
            long seq = have == null ? 0 : have.seq();
            if (seq < mark.seq()) {
                out.add(new Violation(ErrorCode.WRONG_SEQ, "source is behind the " + floorName + ": refusing " + domain
                        + " seq " + seq + " < " + mark.seq()));
                return;
            }
            Optional<Digest> there = chains.digestAt(domain, mark.seq());
            if (there.isEmpty() || !there.get().matches(mark.digest())) {
                out.add(new Violation(ErrorCode.WRONG_PREV, "source forked from the " + floorName + ": " + domain + " seq "
                        + mark.seq() + " is " + there.map(Digest::shortForm).orElse("missing") + "…, not "
                        + mark.digest().shortForm() + "…; refusing it"));
            }
        });
        return out;
    }

    /** One reason to refuse a source. */
    record Violation(ErrorCode code, String message) {
    }
}
