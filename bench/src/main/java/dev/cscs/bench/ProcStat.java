package dev.cscs.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One process's resident memory, threads and CPU time as Linux reports them: VmRSS and Threads
 * from {@code /proc/<pid>/status}, utime + stime from {@code /proc/<pid>/stat} (in clock ticks).
 */
record ProcStat(long rssKb, int threads, long cpuTicks) {
    /** Clock ticks per second ({@code getconf CLK_TCK}); 100 on every Linux this runs on, asked once. */
    static final long TICKS_PER_SECOND = ticksPerSecond();

    static ProcStat of(long pid) throws IOException {
        long rss = -1;
        int threads = -1;
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.UTF_8)) {
            if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
            } else if (line.startsWith("Threads:")) {
                threads = Integer.parseInt(line.replaceAll("[^0-9]", ""));
            }
        }
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
        // the command name (field 2) may hold spaces: the fields after it start at field 3, the state
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long cpu = Long.parseLong(f[14 - 3]) + Long.parseLong(f[15 - 3]);
        return new ProcStat(rss, threads, cpu);
    }

    /** The sum over {@code pids} (threads and RSS added up), e.g. of a cluster's servers. */
    static ProcStat sum(Iterable<Long> pids) {
        long rss = 0;
        int threads = 0;
        long cpu = 0;
        for (long pid : pids) {
            try {
                ProcStat s = of(pid);
                rss += s.rssKb;
                threads += s.threads;
                cpu += s.cpuTicks;
            } catch (IOException e) {
                throw new IllegalStateException("process " + pid + " is gone: " + e.getMessage(), e);
            }
        }
        return new ProcStat(rss, threads, cpu);
    }

    long cpuMillis() {
        return cpuTicks * 1000 / TICKS_PER_SECOND;
    }

    double rssMb() {
        return rssKb / 1024.0;
    }

    /** The share of one core this process used from {@code before} to now, over {@code seconds}, in percent. */
    double cpuPercentSince(ProcStat before, double seconds) {
        return 100.0 * (cpuTicks - before.cpuTicks) / TICKS_PER_SECOND / seconds;
    }

    private static long ticksPerSecond() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.waitFor() == 0 ? Long.parseLong(out) : 100;
        } catch (IOException | NumberFormatException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
