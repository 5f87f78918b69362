/**
 * Keys and signatures: the accepted key types and algorithms, openssl-compatible key files,
 * keyids and key identities, the weak-key checks every key passes when it is read, and the
 * one signing and verification path. Private material stays inside
 * {@link dev.cscs.core.crypto.PrivateKeyRef}; nothing here logs or prints it.
 */
package dev.cscs.core.crypto;
