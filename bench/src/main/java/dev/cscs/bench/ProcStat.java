package dev.cscs.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A process's CPU time and resident memory, from {@code /proc/<pid>/stat} and
 * {@code /proc/<pid>/status} (Linux), without touching the process.
 */
record ProcStat(long cpuMillis, long rssKb) {
    /** USER_HZ: the unit of utime and stime; 100 on every Linux architecture Java runs on. */
    private static final long TICKS_PER_SECOND = 100;

    static ProcStat of(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // the command name, field 2, is in parentheses and may hold spaces: count fields after the last ')'
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            long rss = 0;
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return new ProcStat(ticks * 1000 / TICKS_PER_SECOND, rss);
        } catch (IOException e) {
            throw new IllegalStateException("process " + pid + " is gone: " + e.getMessage(), e);
        }
    }

    static ProcStat sum(Iterable<Long> pids) {
        long cpu = 0;
        long rss = 0;
        for (long pid : pids) {
            ProcStat s = of(pid);
            cpu += s.cpuMillis;
            rss += s.rssKb;
        }
        return new ProcStat(cpu, rss);
    }
}
