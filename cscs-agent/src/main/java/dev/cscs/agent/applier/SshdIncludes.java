package dev.cscs.agent.applier;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Points a main sshd_config at a staged drop-in directory, for {@code sshd -t} of a change
 * before it is committed. Only {@code Include} arguments whose directory is the live drop-in
 * directory change (their glob stays); every other line, and so every other setting and file,
 * is read as it is live. No mount or namespace is needed, so it works inside the packaged
 * unit's sandbox (which forbids both).
 */
final class SshdIncludes {
    /** sshd's keyword match is case-insensitive; it also accepts '=' between keyword and arguments. */
    private static final Pattern INCLUDE = Pattern.compile("(?i)^(\\s*include)(\\s*=\\s*|\\s+)(.*)$");
    /** Where sshd looks for an Include argument that is not an absolute path. */
    private static final Path SSH_DIR = Path.of("/etc/ssh");

    private SshdIncludes() {
    }

    /** {@code main} with every Include of a file in {@code live} naming the same file in {@code staged}. */
    static String redirect(String main, Path live, Path staged) {
        StringBuilder out = new StringBuilder();
        for (String line : main.split("\n", -1)) {
            Matcher m = INCLUDE.matcher(line);
            if (!m.matches() || m.group(3).contains("\"")) {
                // a quoted argument is left alone: it can only point elsewhere or at a file with a space
                out.append(line).append('\n');
                continue;
            }
            out.append(m.group(1)).append(' ');
            String sep = "";
            for (String arg : m.group(3).trim().split("\\s+")) {
                out.append(sep).append(redirectOne(arg, live, staged));
                sep = " ";
            }
            out.append('\n');
        }
        // split(-1) keeps a trailing empty piece: drop the newline added for it
        return out.substring(0, out.length() - 1);
    }

    private static String redirectOne(String arg, Path live, Path staged) {
        Path p = arg.startsWith("/") ? Path.of(arg) : SSH_DIR.resolve(arg);
        Path dir = p.normalize().getParent();
        return dir != null && dir.equals(live.normalize()) ? staged.resolve(p.getFileName()).toString() : arg;
    }
}
