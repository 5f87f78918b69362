/**
 * The Raft side of the store, on Apache Ratis: the thin state machine adapter, the node
 * wiring (gRPC, timeouts, snapshots, bounded client retries, read barriers), the leader's
 * speculative checks, alert throttling, and membership that follows the {@code _nodes}
 * registry.
 */
package dev.cscs.store.raft;
