package dev.cscs.cli.command;

import dev.cscs.cli.Printer;
import dev.cscs.core.crypto.PassphraseSource;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Signing keys other users of the host can open. An unencrypted one is refused, as ssh refuses
 * such a key: anyone who can read it can sign as its owner, and there is nothing to type that
 * would stop them. An encrypted one is still behind its passphrase, so it is used with a warning.
 * The fix is the same either way, and it is said: {@code chmod 600 FILE}. There is no override
 * flag; the chmod is the override.
 */
final class KeyPermissions {
    private static final Set<PosixFilePermission> OWNER_ONLY = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

    private KeyPermissions() {
    }

    /** A passphrase source that remembers whether it was asked, i.e. whether the key was encrypted. */
    static final class Asked implements PassphraseSource {
        private final PassphraseSource delegate;
        private boolean asked;

        Asked(PassphraseSource delegate) {
            this.delegate = delegate;
        }

        @Override
        public char[] passphrase(String forWhat) {
            asked = true;
            return delegate.passphrase(forWhat);
        }

        boolean asked() {
            return asked;
        }
    }

    /** Refuses {@code file} if it is unencrypted and group/world accessible; warns if it is encrypted. */
    static void check(Path file, boolean encrypted, Printer printer) {
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(file);
        } catch (IOException | UnsupportedOperationException e) {
            return; // no POSIX modes here (or the file went away after it was read): nothing to judge
        }
        if (OWNER_ONLY.containsAll(perms)) {
            return;
        }
        String mode = PosixFilePermissions.toString(perms);
        if (!encrypted) {
            throw new CscsException(ErrorCode.BAD_KEY, file + " is an unencrypted private key that other users can open "
                    + "(mode " + mode + "), so it is not used: run `chmod 600 " + file + "`, and replace the key if others "
                    + "may have read it");
        }
        printer.note("warning: " + file + " is readable by other users (mode " + mode + "); it is encrypted, so it is "
                + "used, but run `chmod 600 " + file + "`");
    }
}
