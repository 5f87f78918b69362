/**
 * The edge agent's link to a cluster it is not a member of: {@link dev.cscs.agent.edge.HttpChangesetFeed}
 * streams {@code GET /v1/watch} (Server-Sent Events) from any server, and
 * {@link dev.cscs.agent.edge.HttpStatusSink} posts status reports back. Both use the JDK
 * {@code HttpClient} the caller configures (TLS, client certificate).
 *
 * <p>The stream is as untrusted as any feed: this package only frames and decodes it, strictly
 * and within size limits, and leaves every signature to the agent. What it owns is staying
 * connected: endpoints in order, jittered exponential backoff, resuming from the last delivered
 * revision, and treating a silent connection as dead.
 */
package dev.cscs.agent.edge;
