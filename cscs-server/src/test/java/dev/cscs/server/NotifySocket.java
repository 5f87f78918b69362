package dev.cscs.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for systemd's notification socket: an AF_UNIX datagram socket bound by python3 (the
 * JDK has none), which prints each datagram on a line ("\n" as "|") and exits after 30 s idle.
 */
public final class NotifySocket implements AutoCloseable {
    private static final String RECEIVER = String.join("\n",
            "import socket, sys",
            "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)",
            "s.bind(sys.argv[1]); s.settimeout(30)",
            "print('bound', flush=True)",
            "while True:",
            "    print(s.recv(4096).decode().replace('\\n', '|'), flush=True)");
    private final Process receiver;
    private final BufferedReader out;
    public final Path path;

    public NotifySocket(Path path) throws IOException {
        this.path = path;
        receiver = new ProcessBuilder("python3", "-c", RECEIVER, path.toString()).redirectErrorStream(true).start();
        out = new BufferedReader(new InputStreamReader(receiver.getInputStream(), StandardCharsets.UTF_8));
        String first = out.readLine();
        if (!"bound".equals(first)) {
            throw new IOException("the python3 receiver did not start: " + first);
        }
    }

    /** Whether this machine has what the real protocol needs: systemd-notify and python3. */
    public static boolean available() {
        return onPath("systemd-notify") && onPath("python3");
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    /** The next message, without systemd-notify's BARRIER=1 datagrams; null once the receiver timed out. */
    public String next() {
        try {
            for (String line; (line = out.readLine()) != null; ) {
                if (!line.equals("BARRIER=1")) {
                    return line;
                }
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        receiver.destroy();
        receiver.waitFor(10, TimeUnit.SECONDS);
    }
}
