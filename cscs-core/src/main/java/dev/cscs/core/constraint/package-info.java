/**
 * Guardrails: the constraints a trust policy may put on the values of a domain, per applier
 * (allowed key names, allowed field values, URL prefixes, firewall traffic that must stay
 * accepted). They are read with the policy, so changing one takes the root threshold, and
 * checked by {@code ChainVerifier} after the signatures, so the API node, the leader, every
 * replica, every device and {@code cscs diff} refuse the same values for the same reason.
 * Checks are pure functions of the policy and the value; a value they cannot read is refused.
 */
package dev.cscs.core.constraint;
