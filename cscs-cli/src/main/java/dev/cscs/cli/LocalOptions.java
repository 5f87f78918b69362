package dev.cscs.cli;

import dev.cscs.core.crypto.PassphraseSource;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options of every verb, the offline ones ({@code keygen}, {@code ca}, {@code verify},
 * {@code trust init}, {@code cosign}…) included: output and passphrases. The verbs that talk
 * to a node take {@link GlobalOptions}, which adds the connection settings.
 */
public class LocalOptions {
    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "Output format: table, json or yaml (default ${DEFAULT-VALUE}).")
    GlobalOptions.Output output;

    @Option(names = "--passphrase-file", paramLabel = "FILE",
            description = "Read private key passphrases from FILE (else env CSCS_KEY_PASSPHRASE, else a prompt).")
    Path passphraseFile;

    /** Machine-readable output (json or yaml): no notes, no colors. */
    public boolean json() {
        return output != GlobalOptions.Output.table;
    }

    public GlobalOptions.Output output() {
        return output;
    }

    public Path passphraseFileOrNull() {
        return passphraseFile;
    }

    public PassphraseSource passphrases() {
        return Passphrases.source(passphraseFile);
    }

    public Printer printer() {
        return new Printer(output);
    }
}
