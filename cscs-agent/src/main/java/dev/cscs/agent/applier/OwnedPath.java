package dev.cscs.agent.applier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.agent.os.AtomicFiles;
import dev.cscs.agent.os.FileState;
import dev.cscs.core.model.JsonFields;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Set;

/**
 * One entry of the ownership manifest ({@link Ownership}): what cscs wrote at a path, a regular
 * file ({@code sha256} of its bytes and its {@code mode}) or a symlink ({@code target}), and by
 * which applier. An apply in progress is named by its intent ({@link ApplyJournal}), not here.
 */
public record OwnedPath(String applier, String kind, String sha256, String mode, String target) {
    static final String REGULAR = "file";
    static final String SYMLINK = "symlink";

    public OwnedPath {
        Objects.requireNonNull(applier, "applier");
        if (!kind.equals(REGULAR) && !kind.equals(SYMLINK)) {
            throw new IllegalArgumentException("kind " + kind);
        }
    }

    /** The entry for {@code state} written by {@code applier}; null for absent. */
    static OwnedPath of(String applier, FileState state) {
        if (state instanceof FileState.Regular r) {
            return new OwnedPath(applier, REGULAR, Ownership.sha256(r.content()), PosixFilePermissions.toString(r.mode()), null);
        }
        if (state instanceof FileState.Symlink s) {
            return new OwnedPath(applier, SYMLINK, null, null, s.target());
        }
        return null;
    }

    /** Whether {@code now} is exactly what cscs wrote. */
    boolean describes(FileState now) {
        OwnedPath o = of(applier, now);
        return o != null && o.equals(this);
    }

    ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode().put("applier", applier).put("kind", kind);
        if (kind.equals(REGULAR)) {
            n.put("sha256", sha256).put("mode", mode);
        } else {
            n.put("target", target);
        }
        return n;
    }

    static OwnedPath fromJson(JsonNode o, String at) {
        String kind = JsonFields.text(o, "kind", at);
        boolean regular = REGULAR.equals(kind);
        // "pending" was written by versions that also claimed entries before writing; read and ignored
        JsonFields.object(o, at, regular ? Set.of("applier", "kind", "sha256", "mode") : Set.of("applier", "kind", "target"),
                Set.of("pending"));
        JsonFields.bool(o, "pending", at, false);
        return new OwnedPath(JsonFields.text(o, "applier", at), kind, regular ? JsonFields.text(o, "sha256", at) : null,
                regular ? JsonFields.text(o, "mode", at) : null, regular ? null : JsonFields.text(o, "target", at));
    }

    @Override
    public String toString() {
        return kind.equals(REGULAR) ? "file(sha256 " + sha256.substring(0, 12) + "…, " + mode + ")" : "symlink -> " + target;
    }

    /** cscs's own mode for a path it owns (a chmod is drift too); else the replaced file's, else the default. */
    static Set<PosixFilePermission> modeFor(OwnedPath owned, FileState current) {
        if (owned != null && owned.mode() != null) {
            return PosixFilePermissions.fromString(owned.mode());
        }
        return current instanceof FileState.Regular r ? r.mode() : AtomicFiles.DEFAULT_MODE;
    }
}
