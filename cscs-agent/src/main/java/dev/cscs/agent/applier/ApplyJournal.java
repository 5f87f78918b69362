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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The apply journal: before the first step of an apply, an intent record
 * {@code <stateDir>/intent-<applier>.json} (durable) names the plan's file operations, the
 * backup of every path they touch and the manifest entries those paths had. It is removed only
 * after the manifest that records the outcome is durable. An intent found at start means the
 * agent stopped in the middle of an apply: {@link FileApplier#recover} puts the backups and
 * the manifest entries back, and the next round plans and applies again with every check.
 */
final class ApplyJournal {
    private ApplyJournal() {
    }

    /**
     * One apply in progress. {@code backups}: what was at each path before (in op order);
     * {@code owners}: each path's manifest entry before, null when it was not owned.
     */
    record Intent(String applier, List<FileOp> ops, Map<String, FileState> backups, Map<String, OwnedPath> owners) {
        Intent {
            ops = List.copyOf(ops);
            backups = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(backups));
            owners = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(owners));
        }
    }

    static Path file(ApplyContext ctx, String applier) {
        return ctx.stateDir().resolve("intent-" + applier + ".json");
    }

    static void begin(ApplyContext ctx, Intent intent) {
        ObjectNode root = JsonNodeFactory.instance.objectNode().put("format", "cscs/intent/v1").put("applier", intent.applier());
        ArrayNode ops = root.putArray("ops");
        for (FileOp op : intent.ops()) {
            ObjectNode o = ops.addObject().put("path", op.path());
            if (op instanceof FileOp.Write w) {
                o.put("op", "write").put("base64", b64(w.content().getBytes(StandardCharsets.UTF_8)));
            } else if (op instanceof FileOp.Link l) {
                o.put("op", "link").put("target", l.target());
            } else {
                o.put("op", "remove");
            }
        }
        ObjectNode backups = root.putObject("backups");
        intent.backups().forEach((p, s) -> backups.set(p, state(s)));
        ObjectNode owners = root.putObject("owners");
        intent.owners().forEach((p, o) -> owners.set(p, o == null ? JsonNodeFactory.instance.nullNode() : o.toJson()));
        AtomicFiles.write(file(ctx, intent.applier()), (root.toPrettyString() + "\n").getBytes(StandardCharsets.UTF_8),
                PosixFilePermissions.fromString("rw-------"));
    }

    /** The interrupted apply of {@code applier}, if any. A damaged record fails closed. */
    static Optional<Intent> pending(ApplyContext ctx, String applier) {
        Path f = file(ctx, applier);
        FileState s = FileState.read(f);
        if (s instanceof FileState.Absent) {
            return Optional.empty();
        }
        try {
            JsonNode root = StrictJson.parse(((FileState.Regular) s).content(), 8, "apply intent");
            JsonFields.object(root, "$", Set.of("format", "applier", "ops", "backups", "owners"), Set.of());
            List<FileOp> ops = new ArrayList<>();
            for (JsonNode o : JsonFields.array(root, "ops", "$")) {
                String path = JsonFields.text(o, "path", "$.ops");
                String op = JsonFields.text(o, "op", "$.ops");
                ops.add(op.equals("write") ? new FileOp.Write(path, new String(unb64(o, "base64"), StandardCharsets.UTF_8))
                        : op.equals("link") ? new FileOp.Link(path, JsonFields.text(o, "target", "$.ops"))
                        : new FileOp.Remove(path));
            }
            Map<String, FileState> backups = new LinkedHashMap<>();
            root.get("backups").fields().forEachRemaining(e -> backups.put(e.getKey(), state(e.getValue())));
            Map<String, OwnedPath> owners = new LinkedHashMap<>();
            root.get("owners").fields().forEachRemaining(e -> owners.put(e.getKey(), e.getValue().isNull() ? null
                    : OwnedPath.fromJson(e.getValue(), "$.owners." + e.getKey())));
            if (!applier.equals(JsonFields.text(root, "applier", "$"))) {
                throw CscsException.malformed("it is the intent of applier " + root.get("applier").asText());
            }
            return Optional.of(new Intent(applier, ops, backups, owners));
        } catch (RuntimeException e) {
            throw new CscsException(ErrorCode.IO, applier + ": the intent record " + f + " of an interrupted apply is damaged ("
                    + e.getMessage() + "); the applier stays stopped until it is repaired or removed by hand");
        }
    }

    /**
     * Rolls back the interrupted apply of {@code applier}: the backups byte-identically (last to
     * first), then the manifest entries (durable), then {@code live} (the applier's own part);
     * the intent goes last, so a crash during recovery recovers again. Empty when none is pending.
     */
    static Optional<String> rollBack(ApplyContext ctx, String applier, java.util.function.Consumer<Intent> live) {
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
        intent.ops().forEach(op -> ops.add(op.describe()));
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

    private static FileState state(JsonNode n) {
        String kind = JsonFields.text(n, "kind", "$");
        switch (kind) {
            case "file":
                return new FileState.Regular(unb64(n, "base64"), PosixFilePermissions.fromString(JsonFields.text(n, "mode", "$")));
            case "symlink":
                return new FileState.Symlink(JsonFields.text(n, "target", "$"));
            case "absent":
                return FileState.ABSENT;
            default:
                throw CscsException.malformed("unknown kind " + kind);
        }
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    private static byte[] unb64(JsonNode n, String field) {
        return Base64.getDecoder().decode(JsonFields.text(n, field, "$"));
    }
}
