/**
 * The fault-injection suite ({@code chaos/run --seconds S --seed N}): five real
 * {@code cscs server} processes (three voters, two replicas) and two edge agents in a network
 * namespace of their own, concurrent signed writers and single-key readers recording a history,
 * a seeded schedule of faults (kill -9, SIGSTOP, partitions, an isolated leader, a power cut
 * right after a snapshot, agents' files tampered with, an agent killed during or right after
 * an apply), then the checkers: chains agree and hold every acknowledged write once ({@code ChainCheck}), agents
 * applied only verified changesets, in order, never twice ({@code AuditCheck}), agents converge
 * ({@code Convergence}), and reads are linearizable ({@link dev.cscs.chaos.Linearizability}).
 *
 * <p>The fault model and what each fault does not simulate are in {@code docs/chaos.md}.
 */
package dev.cscs.chaos;
