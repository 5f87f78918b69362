package dev.cscs.agent;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.agent.VerifiedChains.Refusal;
import dev.cscs.agent.VerifiedChains.Source;
import dev.cscs.agent.applier.FileChange;
import dev.cscs.agent.os.FileState;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local audit log: JSON lines, append-only, each line fsync'd before the call returns. One
 * line per applier change (applied, drift-corrected, rolled back, or failed half-way), one per
 * drifted file (with where its foreign bytes were quarantined), one per interrupted apply rolled
 * back at start, and one per refused changeset.
 *
 * <p>Lines name keys, changeset digests and file paths, never values: a value may be a key or
 * a password hash an operator did not mean to copy into a log. Not written with
 * {@code AtomicFiles}, which replaces whole files: an audit log only ever grows.
 */
final class AuditLog {
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    private final Path file;
    private final Clock clock;
    private final String node;
    private String failure;

    AuditLog(Path file, Clock clock, String node) {
        this.file = file;
        this.clock = clock;
        this.node = node;
    }

    /** An applier changed the system (or tried and rolled back). {@code keys}: each desired key and its source. */
    void change(String applier, String result, Map<String, Source> keys, List<String> deleted, List<FileChange> files,
                String message) {
        ObjectNode line = start("change").put("applier", applier).put("result", result);
        ArrayNode k = line.putArray("keys");
        keys.forEach((key, s) -> k.addObject().put("key", key).put("domain", s.domain()).put("seq", s.seq())
                .put("digest", s.digest().toString()));
        deleted.forEach(line.putArray("deleted")::add);
        ArrayNode f = line.putArray("files");
        files.forEach(c -> f.addObject().put("path", c.path()).put("change", changeOf(c)));
        line.put("message", message);
        append(line);
    }

    /**
     * An owned file was not what cscs wrote: restored, and what was {@code found} kept in
     * {@code quarantine} (null when the file was gone). Names the path, never the bytes.
     */
    void drift(String applier, String path, String found, String quarantine) {
        ObjectNode line = start("drift").put("applier", applier).put("path", path).put("found", found);
        if (quarantine != null) {
            line.put("quarantine", quarantine);
        }
        append(line);
    }

    /** An apply interrupted by a crash was rolled back at start. */
    void recovered(String applier, String message) {
        append(start("recovered").put("applier", applier).put("message", message));
    }

    /** A changeset (or a whole snapshot, when {@code domain} is null) was refused. */
    void refused(Refusal r) {
        ObjectNode line = start("refused").put("revision", r.revision());
        if (r.domain() != null) {
            line.put("domain", r.domain()).put("seq", r.seq());
        }
        if (r.digest() != null) {
            line.put("digest", r.digest().toString());
        }
        line.put("code", r.code().code()).put("message", r.message());
        append(line);
    }

    /** Why the last write failed, until one succeeds again. */
    synchronized String failure() {
        return failure;
    }

    static String changeOf(FileChange c) {
        if (c.after() instanceof FileState.Absent) {
            return "removed";
        }
        if (c.after() instanceof FileState.Symlink) {
            return "linked";
        }
        return c.before() instanceof FileState.Absent ? "created" : "replaced";
    }

    private ObjectNode start(String event) {
        return JsonNodeFactory.instance.objectNode().put("time", clock.instant().truncatedTo(ChronoUnit.MILLIS).toString())
                .put("node", node).put("event", event);
    }

    private synchronized void append(ObjectNode line) {
        byte[] bytes = (line.toString() + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            try (FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----")))) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            failure = null;
        } catch (IOException e) {
            failure = "cannot append to the audit log " + file + ": " + e;
            LOG.error("{}; lost line: {}", failure, line);
        }
    }
}
