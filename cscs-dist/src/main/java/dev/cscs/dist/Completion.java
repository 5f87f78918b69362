package dev.cscs.dist;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.AutoComplete;

/**
 * Writes the bash completion script of {@code cscs}, every verb included ({@code server} too).
 * The build runs it after shading and packs the file into the .deb as
 * {@code /usr/share/bash-completion/completions/cscs}; {@code picocli.AutoComplete} cannot take
 * {@link Main} directly, as its command line is assembled in code.
 */
public final class Completion {
    private Completion() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: java -cp cscs.jar dev.cscs.dist.Completion OUTPUT_FILE");
            System.exit(2);
        }
        Path out = Path.of(args[0]).toAbsolutePath();
        Files.createDirectories(out.getParent());
        // bash sources the file (it is not run), so picocli's #! line would only mislead (lintian: bash-completion-with-hashbang)
        String script = AutoComplete.bash("cscs", Main.commandLine());
        if (script.startsWith("#!")) {
            script = script.substring(script.indexOf('\n') + 1);
        }
        Files.writeString(out, script, StandardCharsets.UTF_8);
    }
}
