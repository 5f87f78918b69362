package dev.cscs.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The bytes a JVM holds live on its heap, from {@code jcmd <pid> GC.class_histogram}: the
 * histogram runs a full collection first, so garbage and heap slack are left out. RSS growth
 * is an upper bound on what a watcher costs; this is the part that stays.
 */
final class LiveHeap {
    private static final Path JCMD = Path.of(System.getProperty("java.home"), "bin", "jcmd");

    private LiveHeap() {
    }

    static long bytes(long pid) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(JCMD.toString(), Long.toString(pid), "GC.class_histogram").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("jcmd " + pid + " GC.class_histogram failed: " + out.strip());
        }
        // the last line: "Total <instances> <bytes>"
        String[] last = out.strip().substring(out.strip().lastIndexOf('\n') + 1).trim().split("\\s+");
        if (last.length != 3 || !last[0].equals("Total")) {
            throw new IOException("jcmd " + pid + " GC.class_histogram: no Total line at the end");
        }
        return Long.parseLong(last[2]);
    }
}
