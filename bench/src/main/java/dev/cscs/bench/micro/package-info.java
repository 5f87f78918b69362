/**
 * JMH microbenchmarks of the hot paths one changeset takes through CSCS, each timed alone in
 * microseconds per operation: verifying its signatures against the trust policy (per signature
 * algorithm, and the bare {@code Signer.verify}), the store applying it as a committed log entry,
 * its JSON canonicalization and strict parsing, the log entry codec, and the agent's sysctl and
 * sshd appliers planning a desired state of about twenty settings.
 *
 * <p>The package owns these benchmark classes and their shared fixture ({@code SignedChain}: keys,
 * policy, genesis and signed changesets). Fixtures are built in untimed {@code @Setup} methods
 * through the public API the store and the agent use, and each setup checks that the input takes
 * the success path, so the timed method is the one production call and never an error path.
 * Run with {@code bench/run jmh [JMH options] [benchmark regex]}; with no arguments it runs all of
 * them with {@code -f 1 -wi 3 -i 5 -w 1s -r 1s}. The cluster-level benchmarks, with real processes
 * and the network, are the rest of {@link dev.cscs.bench}.
 */
package dev.cscs.bench.micro;
