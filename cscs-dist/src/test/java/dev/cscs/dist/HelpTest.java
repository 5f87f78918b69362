package dev.cscs.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
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

    /** An example line wrapped by the help formatter loses its indent and cannot be pasted. */
    @Test
    void examplesFitAnEightyColumnTerminal() {
        List<String> tooLong = new ArrayList<>();
        forEachCommand(Main.commandLine(), "cscs", (name, spec) -> {
            for (String line : spec.usageMessage().footer()) {
                if (line.startsWith("  ") && line.length() > spec.usageMessage().width() - 1) {
                    tooLong.add(name + ": " + line);
                }
            }
        });
        assertThat(tooLong).isEmpty();
    }

    private static void forEachCommand(CommandLine cl, String name,
                                       BiConsumer<String, CommandLine.Model.CommandSpec> action) {
        action.accept(name, cl.getCommandSpec());
        cl.getSubcommands().forEach((sub, child) -> {
            if (!sub.equals("help")) {
                forEachCommand(child, name + " " + sub, action);
            }
        });
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
