package dev.cscs.agent.applier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.agent.os.AtomicFiles;
import dev.cscs.agent.os.FileState;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.json.StrictJson;
import dev.cscs.core.model.JsonFields;
import dev.cscs.core.model.Names;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The apply journal: before the first step of an apply, an intent record
 * {@code <stateDir>/intent-<applier>.json} (durable) names the paths of the plan's file
 * operations and their kinds, the backup of every path they touch and the manifest entries
 * those paths had; never the new content, which recovery does not need. It is removed only
 * when verify has passed or the rollback after it has stored the manifest. An intent found at
 * start means the agent stopped in the middle of an apply, or before its verify ended:
 * {@link FileApplier#recover} puts the backups and the manifest entries back, and the next
 * round plans and applies again with every check. A damaged record fails closed, as a damaged
 * manifest does: the applier stays stopped and the record stays.
 */
final class ApplyJournal {
    static final String FORMAT = "cscs/intent/v2";
    /** Written by versions that also kept each write's content and link target (ignored now). */
    static final String FORMAT_V1 = "cscs/intent/v1";

    private ApplyJournal() {
    }

    /** What an operation does to its path; the record's {@code op} field. */
    enum Kind {
        WRITE("write"), LINK("link"), REMOVE("remove");

        final String wire;

        Kind(String wire) {
            this.wire = wire;
        }

        static Kind of(FileOp op) {
            return op instanceof FileOp.Write ? WRITE : op instanceof FileOp.Link ? LINK : REMOVE;
        }

        static Kind parse(String wire, String at) {
            for (Kind k : values()) {
                if (k.wire.equals(wire)) {
                    return k;
                }
            }
            throw CscsException.malformed(at + ": unknown operation " + Names.shown(wire)
                    + " (expected write, link or remove)");
        }
    }

    /** One planned operation, as far as recovery needs it: its path and kind. */
    record Step(String path, Kind kind) {
        static Step of(FileOp op) {
            return new Step(op.path(), Kind.of(op));
        }

        String describe() {
            return kind.wire + " " + path;
        }
    }

    /**
     * One apply in progress. {@code backups}: what was at each path before (in op order);
     * {@code owners}: each path's manifest entry before, null when it was not owned.
     */
    record Intent(String applier, List<Step> steps, Map<String, FileState> backups, Map<String, OwnedPath> owners) {
        Intent {
            steps = List.copyOf(steps);
            backups = Collections.unmodifiableMap(new LinkedHashMap<>(backups));
            owners = Collections.unmodifiableMap(new LinkedHashMap<>(owners));
        }
    }

    static Path file(ApplyContext ctx, String applier) {
        return ctx.stateDir().resolve("intent-" + applier + ".json");
    }

    static void begin(ApplyContext ctx, Intent intent) {
        ObjectNode root = JsonNodeFactory.instance.objectNode().put("format", FORMAT).put("applier", intent.applier());
        ArrayNode ops = root.putArray("ops");
        intent.steps().forEach(st -> ops.addObject().put("path", st.path()).put("op", st.kind().wire));
        ObjectNode backups = root.putObject("backups");
        intent.backups().forEach((p, s) -> backups.set(p, state(s)));
        ObjectNode owners = root.putObject("owners");
        intent.owners().forEach((p, o) -> owners.set(p, o == null ? JsonNodeFactory.instance.nullNode() : o.toJson()));
        AtomicFiles.write(file(ctx, intent.applier()), (root.toPrettyString() + "\n").getBytes(StandardCharsets.UTF_8),
                PosixFilePermissions.fromString("rw-------"));
    }

    /** The interrupted apply of {@code applier}, if any. A damaged record fails closed: it throws, naming the file, field and why. */
    static Optional<Intent> pending(ApplyContext ctx, String applier) {
        Path f = file(ctx, applier);
        FileState s = FileState.read(f);
        if (s instanceof FileState.Absent) {
            return Optional.empty();
        }
        if (!(s instanceof FileState.Regular r)) {
            throw damaged(applier, f, "it is not a regular file but " + s);
        }
        try {
            JsonNode root = StrictJson.parse(r.content(), 8, "apply intent");
            JsonFields.object(root, "$", Set.of("format", "applier", "ops", "backups", "owners"), Set.of());
            String format = JsonFields.text(root, "format", "$");
            if (!format.equals(FORMAT) && !format.equals(FORMAT_V1)) {
                throw CscsException.malformed("$.format: is " + Names.shown(format) + ", not " + FORMAT);
            }
            String owner = JsonFields.text(root, "applier", "$");
            if (!applier.equals(owner)) {
                throw CscsException.malformed("$.applier: it is the intent of applier " + Names.shown(owner));
            }
            List<Step> steps = new ArrayList<>();
            JsonNode ops = JsonFields.array(root, "ops", "$");
            for (int i = 0; i < ops.size(); i++) {
                String at = "$.ops[" + i + "]";
                // a v1 record also names the content and link target, which recovery never used
                JsonFields.object(ops.get(i), at, Set.of("path", "op"), format.equals(FORMAT_V1) ? Set.of("base64", "target") : Set.of());
                steps.add(new Step(JsonFields.text(ops.get(i), "path", at), Kind.parse(JsonFields.text(ops.get(i), "op", at), at + ".op")));
            }
            Map<String, FileState> backups = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : members(root, "backups")) {
                backups.put(e.getKey(), state(e.getValue(), "$.backups." + e.getKey()));
            }
            Map<String, OwnedPath> owners = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : members(root, "owners")) {
                owners.put(e.getKey(), e.getValue().isNull() ? null : OwnedPath.fromJson(e.getValue(), "$.owners." + e.getKey()));
            }
            return Optional.of(new Intent(applier, steps, backups, owners));
        } catch (CscsException | IllegalArgumentException e) {
            throw damaged(applier, f, e.getMessage());
        }
    }

    private static List<Map.Entry<String, JsonNode>> members(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (!n.isObject()) {
            throw CscsException.malformed("$." + field + ": must be an object, got " + n.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
        n.fields().forEachRemaining(out::add);
        return out;
    }

    private static CscsException damaged(String applier, Path f, String why) {
        return new CscsException(ErrorCode.IO, applier + ": the intent record " + f + " of an interrupted apply is damaged ("
                + why + "); the applier stays stopped until it is repaired or removed by hand");
    }

    /**
     * Rolls back the interrupted apply of {@code applier}: the backups byte-identically (last to
     * first), then the manifest entries (durable), then {@code live} (the applier's own part);
     * the intent goes last, so a crash during recovery recovers again. Empty when none is pending.
     */
    static Optional<String> rollBack(ApplyContext ctx, String applier, Consumer<Intent> live) {
        Optional<Intent> pending = pending(ctx, applier);
        if (pending.isEmpty()) {
            return Optional.empty();
        }
        Intent intent = pending.get();
        List<String> paths = new ArrayList<>(intent.backups().keySet());
        for (int i = paths.size() - 1; i >= 0; i--) {
            AtomicFiles.restore(ctx.path(paths.get(i)), intent.backups().get(paths.get(i)));
        }
        Ownership owners = Ownership.load(ctx);
        for (Map.Entry<String, OwnedPath> e : intent.owners().entrySet()) {
            owners = owners.with(e.getKey(), e.getValue());
        }
        owners.store(ctx);
        live.accept(intent);
        clear(ctx, applier);
        List<String> ops = new ArrayList<>();
        intent.steps().forEach(st -> ops.add(st.describe()));
        return Optional.of(applier + ": an apply was interrupted (" + (ops.isEmpty() ? "adopting files" : String.join("; ", ops))
                + "); its " + paths.size() + " file(s) and their ownership were restored to what they were before it");
    }

    static void clear(ApplyContext ctx, String applier) {
        AtomicFiles.delete(file(ctx, applier));
    }

    private static ObjectNode state(FileState s) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        if (s instanceof FileState.Regular r) {
            return n.put("kind", "file").put("base64", b64(r.content())).put("mode", PosixFilePermissions.toString(r.mode()));
        }
        if (s instanceof FileState.Symlink l) {
            return n.put("kind", "symlink").put("target", l.target());
        }
        return n.put("kind", "absent");
    }

    private static FileState state(JsonNode n, String at) {
        String kind = JsonFields.text(JsonFields.object(n, at, Set.of("kind"), Set.of("base64", "mode", "target")), "kind", at);
        switch (kind) {
            case "file":
                JsonFields.object(n, at, Set.of("kind", "base64", "mode"), Set.of());
                return new FileState.Regular(unb64(n, "base64", at), PosixFilePermissions.fromString(JsonFields.text(n, "mode", at)));
            case "symlink":
                JsonFields.object(n, at, Set.of("kind", "target"), Set.of());
                return new FileState.Symlink(JsonFields.text(n, "target", at));
            case "absent":
                JsonFields.object(n, at, Set.of("kind"), Set.of());
                return FileState.ABSENT;
            default:
                throw CscsException.malformed(at + ".kind: unknown kind " + Names.shown(kind)
                        + " (expected file, symlink or absent)");
        }
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    private static byte[] unb64(JsonNode n, String field, String at) {
        try {
            return Base64.getDecoder().decode(JsonFields.text(n, field, at));
        } catch (IllegalArgumentException e) {
            throw CscsException.malformed(at + "." + field + ": not base64 (" + e.getMessage() + ")");
        }
    }
}
