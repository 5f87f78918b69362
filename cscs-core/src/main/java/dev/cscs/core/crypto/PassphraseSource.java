package dev.cscs.core.crypto;

/**
 * Where a private key's passphrase comes from (a prompt, a file, an environment variable).
 * It is asked only when a key is actually encrypted. The caller owns the returned array and
 * wipes it after use.
 */
@FunctionalInterface
public interface PassphraseSource {
    /** The passphrase, or {@code null} when none is available. */
    char[] passphrase(String forWhat);

    PassphraseSource NONE = forWhat -> null;
}
