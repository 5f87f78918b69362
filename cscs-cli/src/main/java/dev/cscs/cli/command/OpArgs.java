package dev.cscs.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.cli.CliFiles;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.json.Limits;
import dev.cscs.core.json.StrictJson;
import dev.cscs.core.model.KeyPath;
import dev.cscs.core.model.Names;
import dev.cscs.core.model.Op;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code --put KEY=VALUE|KEY=@FILE} and {@code --delete KEY}: values are strict JSON. */
final class OpArgs {
    private OpArgs() {
    }

    static List<Op> ops(String domain, List<String> puts, List<String> deletes) {
        List<Op> ops = new ArrayList<>();
        for (String put : puts) {
            int eq = put.indexOf('=');
            if (eq <= 0) {
                throw new CscsException(ErrorCode.USAGE, "--put \"" + Names.shown(put) + "\" must be KEY=VALUE or KEY=@FILE");
            }
            String key = checkKey(domain, put.substring(0, eq));
            ops.add(new Op.Put(key, value(put.substring(eq + 1), key)));
        }
        for (String key : deletes) {
            ops.add(new Op.Delete(checkKey(domain, key)));
        }
        if (ops.isEmpty()) {
            throw new CscsException(ErrorCode.USAGE, "nothing to sign: give at least one --put or --delete");
        }
        return ops;
    }

    static String checkKey(String domain, String key) {
        if (Names.TRUST.equals(domain)) {
            return key;
        }
        KeyPath.parse(key);
        return key;
    }

    /** A JSON value from the command line, or from {@code @FILE}. */
    static JsonNode value(String text, String key) {
        byte[] bytes = text.startsWith("@")
                ? CliFiles.read(Path.of(text.substring(1)), Limits.DEFAULT.maxValueBytes() * 4L)
                : text.getBytes(StandardCharsets.UTF_8);
        try {
            return StrictJson.parse(bytes, Limits.DEFAULT.maxDepth(), "value of " + key);
        } catch (CscsException e) {
            throw new CscsException(e.code(), e.getMessage() + " (values are JSON, e.g. '{\"value\":\"0\"}')");
        }
    }
}
