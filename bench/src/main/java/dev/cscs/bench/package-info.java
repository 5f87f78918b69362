/** Benchmarks: figures and ratios, printed; never assertions. Run with {@code bench/run}. */
package dev.cscs.bench;
