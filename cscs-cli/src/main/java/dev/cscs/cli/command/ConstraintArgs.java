package dev.cscs.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.cli.CliFiles;
import dev.cscs.core.constraint.Constraints;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.model.Names;
import dev.cscs.core.yaml.YamlReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code --constraints NAME=FILE} of {@code trust init} and {@code trust update}: a domain's guardrails from YAML or JSON. */
final class ConstraintArgs {
    static final String HELP = "Constraints on the values of domain NAME, from a YAML or JSON file (repeat per domain);"
            + " see the operator guide, \"Guardrails\".";

    private ConstraintArgs() {
    }

    /** Each domain's constraints as the policy's JSON holds them, checked here so an error names the file. */
    static Map<String, JsonNode> read(List<String> args) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq <= 0 || eq == a.length() - 1) {
                throw new CscsException(ErrorCode.USAGE, "--constraints \"" + a + "\" must be NAME=FILE");
            }
            String domain = Names.checkDomain(a.substring(0, eq));
            Path file = Path.of(a.substring(eq + 1));
            String text = new String(CliFiles.read(file, YamlReader.MAX_CHARS), StandardCharsets.UTF_8);
            JsonNode tree = YamlReader.toJson(YamlReader.read(text, file.toString()));
            try {
                Constraints.parse(tree, "constraints");
            } catch (CscsException e) {
                throw new CscsException(e.code(), file + ": " + e.getMessage());
            }
            if (out.put(domain, tree) != null) {
                throw new CscsException(ErrorCode.USAGE, "--constraints " + domain + " is given twice");
            }
        }
        return out;
    }
}
