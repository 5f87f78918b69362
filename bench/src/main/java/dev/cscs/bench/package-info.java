/**
 * Benchmarks: figures and ratios, printed; never assertions. Run with {@code bench/run}:
 * with no mode, {@link dev.cscs.bench.SideBySide} runs CSCS and etcd + a file-rendering watcher
 * through the same rows and prints one table ({@link dev.cscs.bench.Contender} is each side);
 * {@code bench/run jmh} runs the microbenchmarks of {@code dev.cscs.bench.micro}.
 * {@link dev.cscs.bench.FleetRun} (N real edge agents against three server processes) is also
 * the CI smoke test's body, which asserts completeness only: every agent applied every change
 * and came back after a server's kill -9. Design and figures: docs/scaling.md §7.
 */
package dev.cscs.bench;
