package dev.cscs.bench;

import java.io.PrintStream;
import java.util.Locale;

/** The table of one {@link SideBySide} run, in Markdown, each row with CSCS, etcd, the ratio and the target. */
record SideBySideTable(SideBySide.Figures cscs, SideBySide.Figures etcd) {
    void print(PrintStream out) {
        out.println();
        out.println("| figure | CSCS | etcd + watcher | ratio CSCS / etcd | target | |");
        out.println("| --- | --- | --- | --- | --- | --- |");
        double seq = ratio(cscs.sequential().pct(50), etcd.sequential().pct(50));
        row(out, "sequential write through a follower, p50 / p99 (" + SideBySide.WRITES + " after " + SideBySide.WARMUP + " warm-up)",
                p50p99(cscs.sequential()), p50p99(etcd.sequential()),
                times(seq) + " / " + times(ratio(cscs.sequential().pct(99), etcd.sequential().pct(99))), "p50 ≤ 1.0×", seq <= 1.0);
        double tput = ratio(cscs.throughput().perSecond(), etcd.throughput().perSecond());
        row(out, "throughput, " + Contender.WRITERS + " writers for " + SideBySide.THROUGHPUT.toSeconds() + " s (failed writes)",
                perSecond(cscs), perSecond(etcd), times(tput), "≥ 1.0×", tput >= 1.0);
        double prop = ratio(cscs.propagation().pct(50), etcd.propagation().pct(50));
        row(out, "propagation to a file on all 3 members, p50 / p99 (" + SideBySide.CHANGES + " changes)",
                p50p99(cscs.propagation()), p50p99(etcd.propagation()),
                times(prop) + " / " + times(ratio(cscs.propagation().pct(99), etcd.propagation().pct(99))),
                "p50 ≤ 1.0×, p99 < 20 ms", prop <= 1.0 && cscs.propagation().pct(99) < 20);
        double fo50 = ratio(cscs.failover().pct(50), etcd.failover().pct(50));
        double foMax = ratio(cscs.failover().pct(100), etcd.failover().pct(100));
        row(out, "failover, SIGKILL of the leader → next acknowledged write, p50 / max (" + SideBySide.ROUNDS + " rounds)",
                ms(cscs.failover().pct(50)) + " / " + ms(cscs.failover().pct(100)),
                ms(etcd.failover().pct(50)) + " / " + ms(etcd.failover().pct(100)), times(fo50) + " / " + times(foMax),
                "p50 ≤ 0.5×, max ≤ 1.0×", fo50 <= 0.5 && foMax <= 1.0);
        SideBySide.Memory cm = cscs.memory();
        SideBySide.Memory em = etcd.memory();
        row(out, "RSS per member after the run, mean (etcd: server + watcher JVM; server alone)", mb(cm.rssMb()),
                mb(em.rssMb()) + " (" + mb(em.firstProcessRssMb()) + ")",
                times(ratio(cm.rssMb(), em.rssMb())) + " (" + times(ratio(cm.rssMb(), em.firstProcessRssMb())) + ")", "measured", null);
        row(out, "data directory per member after the run, mean", mb(cm.stateMb()), mb(em.stateMb()),
                times(ratio(cm.stateMb(), em.stateMb())), "measured", null);
    }

    private static void row(PrintStream out, String figure, String a, String b, String ratio, String target, Boolean met) {
        out.println("| " + figure + " | " + a + " | " + b + " | " + ratio + " | " + target + " | "
                + (met == null ? "" : met ? "met" : "missed") + " |");
    }

    private static double ratio(double a, double b) {
        return a / b;
    }

    private static String times(double r) {
        return String.format(Locale.ROOT, "%.2f×", r);
    }

    private static String ms(double v) {
        return String.format(Locale.ROOT, v < 10 ? "%.2f ms" : "%.1f ms", v);
    }

    private static String p50p99(Stats s) {
        return ms(s.pct(50)) + " / " + ms(s.pct(99));
    }

    private static String perSecond(SideBySide.Figures f) {
        return String.format(Locale.ROOT, "%.0f /s (%d)", f.throughput().perSecond(), f.throughput().failed());
    }

    private static String mb(double v) {
        return String.format(Locale.ROOT, "%.1f MB", v);
    }
}
