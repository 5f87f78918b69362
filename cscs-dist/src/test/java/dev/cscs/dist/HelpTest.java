package dev.cscs.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every verb, down to subcommands, teaches by example, and takes -o json where it prints results. */
class HelpTest {
    private static void collect(CommandLine cl, String path, List<String[]> out) {
        for (var e : cl.getSubcommands().entrySet()) {
            if (e.getKey().equals("help")) {
                continue;
            }
            String p = path.isEmpty() ? e.getKey() : path + " " + e.getKey();
            out.add(new String[] {p, e.getValue().getUsageMessage(CommandLine.Help.Ansi.OFF)});
            collect(e.getValue(), p, out);
        }
    }

    @Test
    void everyVerbsHelpHasAnExample() {
        List<String[]> verbs = new ArrayList<>();
        collect(Main.commandLine(), "", verbs);
        assertThat(verbs).hasSizeGreaterThan(25);
        for (String[] v : verbs) {
            assertThat(v[1]).as("cscs " + v[0] + " --help").containsPattern("Examples?:");
        }
    }

    @Test
    void everyVerbThatTalksToANodeTakesTheGlobalOptions() {
        List<String[]> verbs = new ArrayList<>();
        collect(Main.commandLine(), "", verbs);
        for (String[] v : verbs) {
            if (v[1].contains("--endpoint")) {
                assertThat(v[1]).as("cscs " + v[0]).contains("-o, --output").contains("--cacert").contains("--passphrase-file");
            }
        }
    }
}
