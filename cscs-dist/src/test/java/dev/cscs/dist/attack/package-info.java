/**
 * The attack suite (DESIGN.md §3): each attack runs against real {@code java -jar cscs.jar
 * server} processes whose agents apply to sandbox roots, and asserts the exact refusal (HTTP
 * status and stable code, or the refused connection), that no managed file changed on any
 * node ({@link dev.cscs.dist.attack.Sandboxes}), and, where the attack reaches a node, the
 * alert in {@code _alerts} with its code and origin ({@link dev.cscs.dist.attack.Refusals}).
 * <ul>
 *   <li>{@code TransportAttacksIT}: mutual TLS cluster; rogue servers without a cluster
 *       certificate, with a valid one but no token, replayed and forged join tokens, bad client
 *       and node certificates, and a raw Ratis client holding an edge device's certificate.</li>
 *   <li>{@code ChangesetAttacksIT}: forged, replayed and re-targeted changesets, through the API
 *       and straight through Raft; Ed25519 and ECDSA signature malleability.</li>
 *   <li>{@code TrustAttacksIT}: revoked keys, foreign-domain and out-of-scope signers, too few
 *       signatures, policy changes not signed by the roots.</li>
 *   <li>{@code InputAttacksIT}: path traversal in key names, duplicate JSON members, deep
 *       nesting, oversize changesets.</li>
 *   <li>{@code FloodAttacksIT}: request floods from another origin.</li>
 * </ul>
 * Helpers: {@link dev.cscs.dist.attack.AttackCluster} (processes, including the attacker's),
 * {@link dev.cscs.dist.attack.AttackPki} (cluster and rogue CAs), {@link dev.cscs.dist.attack.World}
 * (keys and genesis), {@link dev.cscs.dist.attack.RaftBackdoor} (a raw Ratis client),
 * {@link dev.cscs.dist.attack.RawHttp} (HTTP from another loopback address),
 * {@link dev.cscs.dist.attack.Malleate} (second signature encodings).
 */
package dev.cscs.dist.attack;
