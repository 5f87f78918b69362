/**
 * The data model of DESIGN.md §2 as records (changesets, ops, signatures, digests, heads),
 * the name grammars, and the strict changeset codec that produces the signed bytes.
 */
package dev.cscs.core.model;
