package dev.cscs.cli.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.model.Names;
import dev.cscs.core.trust.Selector;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code --selector NAME=LABEL=VALUE[|VALUE][,LABEL=VALUE...]} of {@code trust init} and {@code trust update}. */
final class SelectorArgs {
    static final String HELP = "Bind domain NAME to the devices whose labels match, e.g. plant-b=site=plant-b or"
            + " canary=ring=canary|beta,hw=rpi4 (every label named must have one of its values); repeat per domain.";

    private SelectorArgs() {
    }

    static Map<String, ObjectNode> read(List<String> args) {
        Map<String, ObjectNode> out = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq <= 0 || eq == a.length() - 1) {
                throw new CscsException(ErrorCode.USAGE, "--selector \"" + a + "\" must be NAME=LABEL=VALUE[|VALUE][,LABEL=VALUE...]");
            }
            String domain = Names.checkDomain(a.substring(0, eq));
            ObjectNode tree;
            try {
                tree = Selector.treeOfArg(a.substring(eq + 1), "--selector " + domain);
            } catch (CscsException e) {
                throw new CscsException(ErrorCode.USAGE, e.getMessage());
            }
            if (out.put(domain, tree) != null) {
                throw new CscsException(ErrorCode.USAGE, "--selector " + domain + " is given twice");
            }
        }
        return out;
    }
}
