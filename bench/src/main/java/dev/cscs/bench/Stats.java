package dev.cscs.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Percentiles of a sample of durations, in milliseconds. */
final class Stats {
    private final List<Double> ms = new ArrayList<>();

    void add(long nanos) {
        ms.add(nanos / 1e6);
    }

    int count() {
        return ms.size();
    }

    double pct(double p) {
        List<Double> s = new ArrayList<>(ms);
        Collections.sort(s);
        int i = (int) Math.ceil(p / 100.0 * s.size()) - 1;
        return s.get(Math.max(0, Math.min(s.size() - 1, i)));
    }

    double mean() {
        return ms.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    String summary() {
        return String.format(Locale.ROOT, "n=%d p50=%.1f ms p90=%.1f ms p99=%.1f ms max=%.1f ms mean=%.1f ms",
                count(), pct(50), pct(90), pct(99), pct(100), mean());
    }
}
