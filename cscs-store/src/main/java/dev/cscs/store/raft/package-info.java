/**
 * The Raft side of the store, on Apache Ratis: the thin state machine adapter, the node
 * wiring (gRPC, timeouts, snapshots, bounded client retries, read barriers), the leader's
 * speculative checks, alert throttling, membership that follows the {@code _nodes}
 * registry, and the autopilot (a pure decision over the leader's view of member health) that
 * keeps a target number of voters among the registered members.
 */
package dev.cscs.store.raft;
