package dev.cscs.agent.os;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs {@code sshd -t} and {@code sshd -T} checks where the host has no {@code /run/sshd}: as
 * root, sshd insists on that privilege separation directory, which only exists while the ssh
 * service runs. The check then runs in a private mount namespace with a scratch /run, so it
 * neither depends on nor changes the host's service state. Other commands pass through.
 */
public final class SshdCheckRunner implements CommandRunner {
    private final CommandRunner delegate;
    private final Path privsep;
    private final ToolPath tools;

    SshdCheckRunner(CommandRunner delegate, Path privsep, ToolPath tools) {
        this.delegate = delegate;
        this.privsep = privsep;
        this.tools = tools;
    }

    /** The system runner, with sshd checks made to work on hosts where sshd is not running. */
    public static CommandRunner system() {
        return new SshdCheckRunner(CommandRunner.system(), Path.of("/run/sshd"), ToolPath.system());
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
        if (tools.find("sshd").isEmpty()) {
            // inside the wrapper a missing sshd would read as sh failing; unwrapped, it is named as missing
            return c;
        }
        List<String> wrapped = new ArrayList<>(List.of("unshare", "-m", "--propagation", "private", "sh", "-c",
                "mount -t tmpfs tmpfs /run && mkdir /run/sshd && exec sshd \"$@\"", "sshd"));
        wrapped.addAll(argv.subList(1, argv.size()));
        return new Command(wrapped, c.stdin(), c.timeout(), c.live());
    }
}
