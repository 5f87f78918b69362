package dev.cscs.agent.os;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs {@code sshd -t} and {@code sshd -T} checks where the host has no {@code /run/sshd}: as
 * root, sshd insists on that privilege separation directory, which only exists while the ssh
 * service runs. The check then runs in a private mount namespace with a scratch /run, so it
 * neither depends on nor changes the host's service state. Other commands pass through.
 *
 * <p>{@link #stagedCheck} checks a configuration before it is live, in the same kind of namespace.
 */
public final class SshdCheckRunner implements CommandRunner {
    private final CommandRunner delegate;
    private final Path privsep;

    SshdCheckRunner(CommandRunner delegate, Path privsep) {
        this.delegate = delegate;
        this.privsep = privsep;
    }

    /**
     * The private /run for sshd, when the host has none; the positional parameters never reach the
     * script text, so no path can be read as shell syntax.
     */
    private static final String PRIVATE_RUN = "{ [ -d /run/sshd ] || { mount -t tmpfs tmpfs /run && mkdir /run/sshd; }; }";
    private static final String STAGED = "mount --bind \"$1\" \"$2\" && shift 2 && " + PRIVATE_RUN + " && exec sshd \"$@\"";

    /**
     * {@code sshd -t -f config} as sshd will read it once {@code dropInDir} holds what
     * {@code stagedDir} holds. In a private mount namespace the staged directory is bind-mounted
     * over the live one, so the check reads the new drop-ins through the unchanged Include lines
     * of the main file while every other process, the running sshd included, still sees the old
     * ones. Both directories must exist. Not a live command: it reads files only.
     */
    public static Command stagedCheck(Duration timeout, Path config, Path dropInDir, Path stagedDir) {
        List<String> argv = new ArrayList<>(List.of("unshare"));
        if (!"root".equals(System.getProperty("user.name"))) {
            // a user namespace gives an unprivileged caller the right to mount in its own mount namespace
            argv.add("-r");
        }
        argv.addAll(List.of("-m", "--propagation", "private", "sh", "-c", STAGED, "sshd-check", stagedDir.toString(),
                dropInDir.toString(), "-t", "-f", config.toString()));
        return new Command(argv, null, timeout, false);
    }

    /** The system runner, with sshd checks made to work on hosts where sshd is not running. */
    public static CommandRunner system() {
        return new SshdCheckRunner(CommandRunner.system(), Path.of("/run/sshd"));
    }

    @Override
    public Result run(Command c) {
        return delegate.run(rewrite(c));
    }

    Command rewrite(Command c) {
        List<String> argv = c.argv();
        boolean check = argv.size() >= 2 && argv.get(0).equals("sshd") && (argv.get(1).equals("-t") || argv.get(1).equals("-T"));
        if (!check || Files.isDirectory(privsep) || !"root".equals(System.getProperty("user.name"))) {
            return c;
        }
        List<String> wrapped = new ArrayList<>(List.of("unshare", "-m", "--propagation", "private", "sh", "-c",
                PRIVATE_RUN + " && exec sshd \"$@\"", "sshd"));
        wrapped.addAll(argv.subList(1, argv.size()));
        return new Command(wrapped, c.stdin(), c.timeout(), c.live());
    }
}
