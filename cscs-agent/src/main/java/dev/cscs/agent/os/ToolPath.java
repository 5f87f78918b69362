package dev.cscs.agent.os;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds a tool the way the process will be started: a name with a slash is used as it is, any
 * other name is the first executable file of that name on PATH. Looking first lets a missing
 * tool be reported as missing, instead of as whatever a wrapper (sh, unshare, ip netns exec)
 * makes of it, which reads like the tool refusing its input.
 */
final class ToolPath {
    /** What execvp searches when PATH is unset. */
    private static final String DEFAULT_PATH = "/bin:/usr/bin";

    private final String path;

    ToolPath(String path) {
        this.path = path == null || path.isEmpty() ? DEFAULT_PATH : path;
    }

    static ToolPath system() {
        return new ToolPath(System.getenv("PATH"));
    }

    Optional<Path> find(String tool) {
        if (tool.contains("/")) {
            Path p = Path.of(tool);
            return executable(p) ? Optional.of(p) : Optional.empty();
        }
        for (String dir : path.split(":", -1)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir).resolve(tool);
            if (executable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    CscsException missing(String tool) {
        return new CscsException(ErrorCode.IO, tool.contains("/")
                ? tool + " is not installed (no executable file there)"
                : tool + " is not installed (looked for it on PATH " + path + "); install it, or add its directory to "
                        + "the PATH the agent runs with");
    }

    private static boolean executable(Path p) {
        return Files.isRegularFile(p) && Files.isExecutable(p);
    }
}
