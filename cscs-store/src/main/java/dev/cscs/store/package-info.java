/**
 * The replicated store: {@link dev.cscs.store.ConfigStore}, a pure and deterministic class
 * holding verified chains, current values, the node registry, alerts, status reports and the
 * latest signed freshness record;
 * the log entry codec; and the watch subscriptions. The Raft wiring is in {@code raft}.
 */
package dev.cscs.store;
