package dev.cscs.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * One JVM of the fleet: starts real edge agents, one per {@code cscsd.yaml} listed in the file
 * given, a few at a time (each registers through a Raft write), and reports each on stdout as
 * {@code up <id>} or {@code failed <id> <why>}, then {@code done}. It exits when its stdin
 * closes (the harness stops it, or died), at any point.
 *
 * <pre>java dev.cscs.bench.FleetAgents &lt;list of configs&gt; &lt;log dir&gt; &lt;name&gt; [concurrent starts]</pre>
 */
public final class FleetAgents {
    private static final int ATTEMPTS = 3;

    private FleetAgents() {
    }

    public static void main(String[] args) throws Exception {
        List<Path> configs = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            if (!line.isBlank()) {
                configs.add(Path.of(line.strip()));
            }
        }
        EdgeAgentApi.logTo(Path.of(args[1]), args[2]);
        Thread parent = new Thread(FleetAgents::exitWithTheHarness, "fleet-stdin");
        parent.setDaemon(true);
        parent.start();
        int concurrent = args.length > 3 ? Integer.parseInt(args[3]) : 8;
        List<AutoCloseable> running = new ArrayList<>();
        ExecutorService starts = Executors.newFixedThreadPool(concurrent);
        for (Path config : configs) {
            starts.execute(() -> {
                String id = config.getParent().getFileName().toString();
                String why = null;
                for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
                    try {
                        AutoCloseable agent = EdgeAgentApi.start(config);
                        synchronized (running) {
                            running.add(agent);
                        }
                        say("up " + id);
                        return;
                    } catch (IOException | RuntimeException e) {
                        why = e.getClass().getSimpleName() + ": " + e.getMessage();
                        pause(attempt * 500L);
                    }
                }
                say("failed " + id + " " + String.valueOf(why).replace('\n', ' '));
            });
        }
        starts.shutdown();
        starts.awaitTermination(30, TimeUnit.MINUTES);
        say("done");
        parent.join();
    }

    /** The harness never writes: EOF, when it closes stdin or dies, ends this JVM, starting or not. */
    private static void exitWithTheHarness() {
        try {
            InputStream in = System.in;
            while (in.read() >= 0) {
                // nothing is sent
            }
        } catch (IOException e) {
            // as good as EOF
        }
        // the agents' threads are daemons and their sockets close with the process
        System.exit(0);
    }

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
