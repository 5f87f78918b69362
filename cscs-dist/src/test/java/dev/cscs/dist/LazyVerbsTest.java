package dev.cscs.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cscs.cli.Cli;
import dev.cscs.cli.CliRun;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * A verb's command line is built with that verb alone (start-up time: picocli reads every
 * added verb's annotations), and nothing an operator sees may differ from the whole tree.
 */
class LazyVerbsTest {
    private static final Map<String, Supplier<Object>> VERBS = Main.verbs();

    private static List<String> helpTexts(CommandLine cl, String path) {
        List<String> out = new ArrayList<>();
        out.add(path + "\n" + cl.getUsageMessage(CommandLine.Help.Ansi.OFF));
        cl.getSubcommands().forEach((name, sub) -> out.addAll(helpTexts(sub, path + " " + name)));
        return out;
    }

    @Test
    void eachNameIsItsVerbsOwnCommandName() {
        VERBS.forEach((name, verb) -> assertThat(new CommandLine(verb.get()).getCommandName()).as(name).isEqualTo(name));
    }

    @Test
    void aVerbBuiltAloneHasExactlyTheHelpOfAllItsSubcommandsThatTheWholeTreeGivesIt() {
        CommandLine whole = Main.commandLine();
        assertThat(whole.getSubcommands().keySet()).containsExactlyElementsOf(VERBS.keySet());
        for (String name : VERBS.keySet()) {
            if (name.equals("help") || name.equals("completion")) {
                continue;
            }
            CommandLine alone = Cli.commandLine(VERBS, name, "--help");
            assertThat(alone.getSubcommands().keySet()).as("built for `cscs " + name + "`").containsExactly(name);
            assertThat(helpTexts(alone.getSubcommands().get(name), "cscs " + name))
                    .isEqualTo(helpTexts(whole.getSubcommands().get(name), "cscs " + name));
        }
    }

    @Test
    void whatNamesNoVerbOrShowsTheOthersBuildsThemAll() {
        for (String[] args : List.of(new String[0], new String[] {"--help"}, new String[] {"pt"}, new String[] {"-V", "put"},
                new String[] {"help", "put"}, new String[] {"completion"})) {
            assertThat(Cli.commandLine(VERBS, args).getSubcommands().keySet()).as(String.join(" ", args))
                    .containsExactlyElementsOf(VERBS.keySet());
        }
    }

    @Test
    void theOperatorSeesTheSameOutputWithOneVerbBuiltAsWithAll() {
        for (String[] args : List.of(new String[] {"--version"}, new String[] {"put", "--help"},
                new String[] {"member", "ls", "--help"}, new String[] {"put"}, new String[] {"pt"})) {
            CliRun lazy = CliRun.run(() -> Cli.commandLine(VERBS, args), args);
            CliRun whole = CliRun.run(Main::commandLine, args);
            assertThat(List.of(lazy.exit(), lazy.out(), lazy.err())).as(String.join(" ", args))
                    .isEqualTo(List.of(whole.exit(), whole.out(), whole.err()));
        }
    }

    @Test
    void versionAnsweredBeforeAnyCommandLineIsBuiltPrintsPicoclisExactLines() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(Cli.printedVersion(new PrintStream(out, true, StandardCharsets.UTF_8), "--version")).isTrue();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(CliRun.run(Main::commandLine, "--version").ok().out())
                .startsWith("cscs ");
        ByteArrayOutputStream none = new ByteArrayOutputStream();
        for (String[] args : List.of(new String[] {"--version", "--help"}, new String[] {"put", "--version"}, new String[0])) {
            assertThat(Cli.printedVersion(new PrintStream(none, true, StandardCharsets.UTF_8), args)).as(String.join(" ", args)).isFalse();
        }
        assertThat(none.size()).isZero();
    }
}
