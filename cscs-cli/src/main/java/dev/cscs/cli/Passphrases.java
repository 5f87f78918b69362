package dev.cscs.cli;

import dev.cscs.core.crypto.PassphraseSource;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import java.io.Console;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Passphrases from a file, then the environment, then the terminal; never echoed, never logged. */
public final class Passphrases {
    public static final String ENV = "CSCS_KEY_PASSPHRASE";

    private Passphrases() {
    }

    public static PassphraseSource source(Path file) {
        return forWhat -> {
            if (file != null) {
                return fromFile(file);
            }
            String env = System.getenv(ENV);
            if (env != null && !env.isEmpty()) {
                return env.toCharArray();
            }
            Console console = System.console();
            return console == null ? null : console.readPassword("Passphrase for %s: ", forWhat);
        };
    }

    /** A passphrase for a new key: file or environment, else asked twice on the terminal. */
    public static char[] forNewKey(Path file) {
        if (file != null) {
            return fromFile(file);
        }
        String env = System.getenv(ENV);
        if (env != null && !env.isEmpty()) {
            return env.toCharArray();
        }
        Console console = System.console();
        if (console == null) {
            throw new CscsException(ErrorCode.USAGE, "no passphrase for the new key: give --passphrase-file, set "
                    + ENV + ", run in a terminal, or pass --no-passphrase");
        }
        char[] first = console.readPassword("New passphrase: ");
        char[] second = console.readPassword("Repeat passphrase: ");
        try {
            if (first == null || first.length == 0 || !Arrays.equals(first, second)) {
                throw new CscsException(ErrorCode.USAGE, "the passphrases are empty or do not match");
            }
            return first.clone();
        } finally {
            if (first != null) {
                Arrays.fill(first, '\0');
            }
            if (second != null) {
                Arrays.fill(second, '\0');
            }
        }
    }

    private static char[] fromFile(Path file) {
        byte[] bytes = null;
        try {
            bytes = Files.readAllBytes(file);
            int end = bytes.length;
            while (end > 0 && (bytes[end - 1] == '\n' || bytes[end - 1] == '\r')) {
                end--;
            }
            CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(bytes, 0, end));
            char[] out = new char[chars.remaining()];
            chars.get(out);
            Arrays.fill(chars.array(), '\0');
            if (out.length == 0) {
                throw new CscsException(ErrorCode.USAGE, "passphrase file " + file + " is empty");
            }
            return out;
        } catch (IOException e) {
            throw new CscsException(ErrorCode.IO, "cannot read passphrase file " + file + ": " + e.getMessage());
        } finally {
            if (bytes != null) {
                Arrays.fill(bytes, (byte) 0);
            }
        }
    }
}
