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
    /** The passphrase of a new PKCS#12 bundle; never {@link #ENV}, which is the CA key's. */
    public static final String P12_ENV = "CSCS_P12_PASSPHRASE";

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
        return forNew(file, ENV, "New passphrase: ", "no passphrase for the new key: give --passphrase-file, set "
                + ENV + ", run in a terminal, or pass --no-passphrase");
    }

    /**
     * The passphrase of a new PKCS#12 bundle ({@code ca issue --client --p12}), the same way as
     * {@link #forNewKey} but from its own file and variable: {@code --passphrase-file} and
     * {@value #ENV} there hold the CA key's passphrase, which must not end up in a browser.
     */
    public static char[] forNewP12(Path file, Path bundle) {
        return forNew(file, P12_ENV, "New passphrase for " + bundle + ": ",
                "no passphrase for " + bundle + ": give --p12-passphrase-file, set " + P12_ENV + ", or run in a terminal");
    }

    private static char[] forNew(Path file, String env, String prompt, String missing) {
        if (file != null) {
            return fromFile(file);
        }
        String value = System.getenv(env);
        if (value != null && !value.isEmpty()) {
            return value.toCharArray();
        }
        Console console = System.console();
        if (console == null) {
            throw new CscsException(ErrorCode.USAGE, missing);
        }
        char[] first = console.readPassword("%s", prompt);
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
