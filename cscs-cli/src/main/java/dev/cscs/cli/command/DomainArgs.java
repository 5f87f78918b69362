package dev.cscs.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.function.Supplier;

/**
 * The per-domain options of {@code trust init} and {@code trust update}, each {@code NAME=…} and
 * given at most once per domain: {@code --constraints NAME=FILE} and {@code --selector NAME=LABEL=VALUE[|VALUE][,…]}.
 */
final class DomainArgs {
    static final String CONSTRAINTS_HELP = "Constraints on the values of domain NAME, from a YAML or JSON file (repeat per"
            + " domain); see the operator guide, \"Guardrails\".";
    static final String SELECTOR_HELP = "Bind domain NAME to the devices whose labels match, e.g. plant-b=site=plant-b or"
            + " canary=ring=canary|beta,hw=rpi4 (every label named must have one of its values); repeat per domain.";

    private DomainArgs() {
    }

    /** Each domain's constraints as the policy's JSON holds them, checked here so an error names the file. */
    static Map<String, JsonNode> constraints(List<String> args) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        byDomain(args, "--constraints", "NAME=FILE").forEach((domain, name) -> {
            Path file = Path.of(name);
            String text = new String(CliFiles.read(file, YamlReader.MAX_CHARS), StandardCharsets.UTF_8);
            JsonNode tree = YamlReader.toJson(YamlReader.read(text, file.toString()));
            try {
                Constraints.parse(tree, "constraints");
            } catch (CscsException e) {
                throw new CscsException(e.code(), file + ": " + e.getMessage());
            }
            out.put(domain, tree);
        });
        return out;
    }

    /** Each domain's selector as the policy's JSON holds it; its labels and values are checked when the policy is built. */
    static Map<String, JsonNode> selectors(List<String> args) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        byDomain(args, "--selector", "NAME=LABEL=VALUE[|VALUE][,LABEL=VALUE...]").forEach((domain, spec) -> {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            for (String part : spec.split(",", -1)) {
                int eq = part.indexOf('=');
                if (eq <= 0 || eq == part.length() - 1) {
                    throw new CscsException(ErrorCode.USAGE, "--selector " + domain + ": \"" + part + "\" is not LABEL=VALUE[|VALUE...]");
                }
                ArrayNode values = o.putArray(part.substring(0, eq));
                for (String v : part.substring(eq + 1).split("\\|", -1)) {
                    values.add(v);
                }
            }
            out.put(domain, o);
        });
        return out;
    }

    /** {@code NAME=REST} arguments by domain, in order; a malformed one or a domain given twice is a usage error. */
    private static Map<String, String> byDomain(List<String> args, String option, String form) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq <= 0 || eq == a.length() - 1) {
                throw new CscsException(ErrorCode.USAGE, option + " \"" + a + "\" must be " + form);
            }
            String domain = usage(() -> Names.checkDomain(a.substring(0, eq)));
            if (out.put(domain, a.substring(eq + 1)) != null) {
                throw new CscsException(ErrorCode.USAGE, option + " " + domain + " is given twice");
            }
        }
        return out;
    }

    /** What {@code parse} gives, with its refusal of a command-line argument as a usage error (exit 2). */
    static <T> T usage(Supplier<T> parse) {
        try {
            return parse.get();
        } catch (CscsException e) {
            throw e.code() == ErrorCode.MALFORMED ? new CscsException(ErrorCode.USAGE, e.getMessage()) : e;
        }
    }
}
