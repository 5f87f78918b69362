/**
 * The agent: {@link dev.cscs.agent.Agent}, the level-triggered loop that turns a feed of signed
 * changesets into applied OS configuration, configured by {@link dev.cscs.agent.AgentConfig}.
 *
 * <p>This package owns the loop and what it must never get wrong:
 * <ul>
 *   <li>trust: every changeset is verified here, from the provisioned genesis, before any of
 *       its values is used ({@code VerifiedChains}); a source is never believed on its word;</li>
 *   <li>no going back: per-chain high-water marks persisted after each reconcile refuse a
 *       stale, replayed or forked source ({@code HighWaterMarks}), and a re-verified cache of the
 *       verified changesets lets a restarted node keep enforcing while cut off
 *       ({@code VerifiedCache});</li>
 *   <li>not frozen: signed freshness records, checked against the verified registry, tell a
 *       stale device or a withholding source, and make the agent leave it ({@code FreshnessWatch});</li>
 *   <li>resolution: domains in watch order, the later one wins, overrides reported
 *       ({@code Desired});</li>
 *   <li>isolation: one applier's failure is its own result, never the others' ({@code Reconciler});</li>
 *   <li>accountability: the audit log ({@code AuditLog}) and coalesced status reports
 *       ({@code StatusPublisher}); every report also goes to an {@code AgentMetrics} listener,
 *       which the server module implements (this module has no metrics library).</li>
 * </ul>
 * The appliers themselves live in {@code dev.cscs.agent.applier}, the feed contract in
 * {@code dev.cscs.agent.feed}, the HTTP edge client in {@code dev.cscs.agent.edge}.
 */
package dev.cscs.agent;
