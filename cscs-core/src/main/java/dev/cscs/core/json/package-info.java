/**
 * JSON as CSCS signs it: the strict reader every signed document goes through, RFC 8785
 * canonical bytes, and the size limits. Nothing here knows what a changeset is.
 */
package dev.cscs.core.json;
