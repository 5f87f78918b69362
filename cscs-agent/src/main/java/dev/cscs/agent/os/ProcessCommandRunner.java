package dev.cscs.agent.os;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@link CommandRunner} over {@link ProcessBuilder}: no shell, C locale, bounded output, hard deadline. */
final class ProcessCommandRunner implements CommandRunner {
    /** Enough for any listing we parse; a tool that prints more is cut, not allowed to fill the heap. */
    static final int MAX_OUTPUT = 1 << 20;

    private final List<String> livePrefix;
    private final ToolPath tools;

    ProcessCommandRunner(List<String> livePrefix, ToolPath tools) {
        this.livePrefix = List.copyOf(livePrefix);
        this.tools = tools;
    }

    @Override
    public Result run(Command command) {
        String tool = command.argv().get(0);
        if (tools.find(tool).isEmpty()) {
            throw tools.missing(tool);
        }
        List<String> argv = new ArrayList<>();
        if (command.live()) {
            argv.addAll(livePrefix);
        }
        argv.addAll(command.argv());
        ProcessBuilder pb = new ProcessBuilder(argv);
        // tools print messages we match on (e.g. "cannot stat"); keep them in English
        pb.environment().put("LC_ALL", "C");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new CscsException(ErrorCode.IO, "cannot run `" + argv.get(0) + "`: " + e.getMessage(), e);
        }
        Pump out = new Pump(p.getInputStream());
        Pump err = new Pump(p.getErrorStream());
        Thread feeder = new Thread(() -> feed(p.getOutputStream(), command.stdin()), "cscs-cmd-stdin");
        feeder.setDaemon(true);
        feeder.start();
        boolean finished;
        try {
            finished = p.waitFor(command.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill(p);
            throw new CscsException(ErrorCode.IO, "interrupted while running `" + command.display() + "`", e);
        }
        if (!finished) {
            kill(p);
        }
        String stdout = out.text();
        String stderr = err.text();
        return new Result(finished ? p.exitValue() : -1, stdout, stderr, !finished);
    }

    private static void kill(Process p) {
        // the tool may have children (ip netns exec, sh): end them too, then the tool itself
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void feed(OutputStream stdin, byte[] bytes) {
        try (stdin) {
            stdin.write(bytes);
        } catch (IOException ignored) {
            // the tool exited without reading its input; its exit code tells the story
        }
    }

    /** Drains one stream on its own thread so a chatty tool can never block on a full pipe. */
    private static final class Pump {
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private final Thread thread;

        Pump(InputStream in) {
            thread = new Thread(() -> drain(in), "cscs-cmd-output");
            thread.setDaemon(true);
            thread.start();
        }

        private void drain(InputStream in) {
            byte[] chunk = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(chunk)) >= 0) {
                    synchronized (buffer) {
                        int room = MAX_OUTPUT - buffer.size();
                        if (room > 0) {
                            buffer.write(chunk, 0, Math.min(n, room));
                        }
                    }
                }
            } catch (IOException ignored) {
                // the process was killed; keep what was read
            }
        }

        String text() {
            try {
                // a grandchild that escaped the kill may hold the pipe open: do not wait for it forever
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (buffer) {
                return buffer.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
