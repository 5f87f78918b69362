package dev.cscs.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.model.Labels;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cscs member label}: a node's labels, written to its {@code _nodes} record and signed by operators. */
@Command(name = "label", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Set or remove a node's labels (signed by operators, in its _nodes record).",
            "The trust policy binds domains to labels with selectors (`cscs trust update --selector`): the node",
            "takes up or drops those domains as soon as the change reaches it, with no config edit and no restart.",
            "Labels a node was provisioned with (its join token's) stand until its record names its own."},
        footer = {"", "Examples:", "  cscs member label edge7 ring=canary site=plant-b --sign-with operator.key",
            "  cscs member label edge7 --remove ring --sign-with operator.key"})
final class MemberLabel extends MemberCommand.Change {
    @Parameters(index = "1..*", paramLabel = "NAME=VALUE", description = "Labels to set (replacing a label of that name).")
    List<String> set = new ArrayList<>();

    @Option(names = "--remove", paramLabel = "NAME", description = "A label to remove (repeat).")
    List<String> remove = new ArrayList<>();

    @Override
    ObjectNode record(JsonNode current, JsonNode known) {
        if (set.isEmpty() && remove.isEmpty()) {
            throw new CscsException(ErrorCode.USAGE, "give NAME=VALUE labels to set, or --remove NAME");
        }
        ObjectNode o = base(current, known);
        JsonNode before = o.has("labels") ? o.get("labels") : known.path("labels");
        SortedMap<String, String> labels = new TreeMap<>(before.isObject() ? Labels.parse(before, "labels").values() : new TreeMap<>());
        labels.putAll(DomainArgs.usage(() -> Labels.parseArg(String.join(",", set), "labels")).values());
        for (String r : remove) {
            if (labels.remove(DomainArgs.usage(() -> Labels.checkKey(r, "--remove"))) == null) {
                throw new CscsException(ErrorCode.USAGE, "--remove " + r + ": " + node + " has no such label (it has "
                        + (labels.isEmpty() ? "none" : new Labels(labels)) + ")");
            }
        }
        o.set("labels", new Labels(labels).toTree());
        return o;
    }

    @Override
    String afterwards() {
        return node + " now resolves its domains with these labels; `cscs status` shows the domains it has by label";
    }
}
