package dev.cscs.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What {@code /proc/<pid>} says of a process: resident memory, threads and CPU time used. */
record ProcFigures(long rssKb, int threads, long cpuTicks) {
    /** Clock ticks per second of utime/stime in {@code /proc/<pid>/stat} ({@code getconf CLK_TCK}: 100 on Linux). */
    static final int TICKS_PER_SECOND = 100;

    static ProcFigures of(long pid) {
        try {
            long rss = 0;
            int threads = 0;
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
                } else if (line.startsWith("Threads:")) {
                    threads = Integer.parseInt(line.replaceAll("[^0-9]", ""));
                }
            }
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // fields after the command name, which may hold spaces: state is field 3, utime 14, stime 15
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new ProcFigures(rss, threads, Long.parseLong(f[11]) + Long.parseLong(f[12]));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The share of one core this process used between {@code before} and now, over {@code seconds}. */
    double cpuPercentSince(ProcFigures before, double seconds) {
        return 100.0 * (cpuTicks - before.cpuTicks) / TICKS_PER_SECOND / seconds;
    }
}
