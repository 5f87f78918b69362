/**
 * Benchmarks: figures and ratios, printed; never assertions. Run with {@code bench/run}.
 * {@link dev.cscs.bench.FleetRun} (N real edge agents against three server processes) is also
 * the CI smoke test's body, which asserts completeness only: every agent applied every change
 * and came back after a server's kill -9. Design and figures: docs/scaling.md §7.
 */
package dev.cscs.bench;
