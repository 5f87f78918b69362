/**
 * Trust: the policy (keys, roots, operators, domain signers and scopes), the genesis, the
 * rotation rule, and the chain verifier that every node and every agent runs on its own.
 * Trust never comes from Raft membership; it comes from here.
 */
package dev.cscs.core.trust;
