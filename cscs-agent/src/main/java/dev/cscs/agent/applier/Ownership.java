package dev.cscs.agent.applier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.agent.os.AtomicFiles;
import dev.cscs.agent.os.FileState;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.json.StrictJson;
import dev.cscs.core.model.JsonFields;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The ownership manifest, {@code <stateDir>/ownership.json}: every path (relative to the root)
 * cscs wrote, with what it wrote there. It, not any header line, decides what cscs may
 * replace or remove: an owned path whose bytes, mode or link target differ from the entry was
 * changed by someone else (drift); a path not in it is someone else's (a conflict).
 *
 * <p>Entries are recorded after an apply's writes; until then its intent ({@link ApplyJournal})
 * names every path it may touch, and the file is replaced atomically and durably every time, so
 * no crash leaves a cscs file that neither names. Immutable: {@link #with} returns a new manifest.
 */
final class Ownership {
    static final String FILE = "ownership.json";
    static final String FORMAT = "cscs/ownership/v1";
    private final SortedMap<String, OwnedPath> paths;

    private Ownership(SortedMap<String, OwnedPath> paths) {
        this.paths = paths;
    }

    static Ownership empty() {
        return new Ownership(new TreeMap<>());
    }

    static Path file(ApplyContext ctx) {
        return ctx.stateDir().resolve(FILE);
    }

    /** The manifest in the state dir; none yet is empty. A damaged one fails closed: nothing is touched. */
    static Ownership load(ApplyContext ctx) {
        Path f = file(ctx);
        FileState s = FileState.read(f);
        if (s instanceof FileState.Absent) {
            return empty();
        }
        if (!(s instanceof FileState.Regular r)) {
            throw damaged(f, "it is not a regular file");
        }
        try {
            JsonNode root = StrictJson.parse(r.content(), 8, "ownership manifest");
            JsonFields.object(root, "$", Set.of("format", "paths"), Set.of());
            if (!FORMAT.equals(JsonFields.text(root, "format", "$"))) {
                throw damaged(f, "format is not " + FORMAT);
            }
            TreeMap<String, OwnedPath> out = new TreeMap<>();
            if (!root.get("paths").isObject()) {
                throw damaged(f, "$.paths must be an object");
            }
            var it = root.get("paths").fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode o = e.getValue();
                String at = "$.paths." + e.getKey();
                out.put(e.getKey(), OwnedPath.fromJson(o, at));
            }
            return new Ownership(out);
        } catch (CscsException | IllegalArgumentException e) {
            throw damaged(f, e.getMessage());
        }
    }

    private static CscsException damaged(Path f, String why) {
        return new CscsException(ErrorCode.IO, "the ownership manifest " + f + " is damaged (" + why + "); cscs touches no "
                + "file until it is repaired or removed (removing it makes every cscs file a conflict to resolve by hand)");
    }

    OwnedPath get(String path) {
        return paths.get(path);
    }

    /** Paths {@code applier} owns, sorted. */
    SortedMap<String, OwnedPath> ownedBy(String applier) {
        TreeMap<String, OwnedPath> out = new TreeMap<>();
        paths.forEach((p, o) -> {
            if (o.applier().equals(applier)) {
                out.put(p, o);
            }
        });
        return out;
    }

    /** A copy with {@code path} set to {@code owned}, or dropped when it is null. */
    Ownership with(String path, OwnedPath owned) {
        TreeMap<String, OwnedPath> next = new TreeMap<>(paths);
        if (owned == null) {
            next.remove(path);
        } else {
            next.put(path, owned);
        }
        return new Ownership(next);
    }

    /** Replaces the manifest atomically (temp, fsync, rename, fsync of the directory). */
    void store(ApplyContext ctx) {
        ObjectNode root = JsonNodeFactory.instance.objectNode().put("format", FORMAT);
        ObjectNode ps = root.putObject("paths");
        paths.forEach((p, o) -> {
            ps.set(p, o.toJson());
        });
        AtomicFiles.write(file(ctx), (root.toPrettyString() + "\n").getBytes(StandardCharsets.UTF_8),
                PosixFilePermissions.fromString("rw-------"));
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
