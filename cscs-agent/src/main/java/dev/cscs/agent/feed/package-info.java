/**
 * What the agent consumes: a {@link dev.cscs.agent.feed.ChangesetFeed} of signed changesets in
 * revision order. The server adapts its store to it; the edge agent implements it over HTTP
 * ({@code dev.cscs.agent.edge}).
 *
 * <p>A feed is an untrusted courier. It may repeat, reorder, drop or forge; the agent verifies
 * every changeset itself from the genesis it was provisioned with, so nothing a feed says is
 * taken on its word. This package owns only the contract, not any verification.
 */
package dev.cscs.agent.feed;
