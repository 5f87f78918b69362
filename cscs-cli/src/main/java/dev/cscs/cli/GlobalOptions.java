package dev.cscs.cli;

import dev.cscs.core.crypto.PassphraseSource;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every verb takes (DESIGN.md §6). */
public final class GlobalOptions {
    @Option(names = "--endpoint", paramLabel = "URL", defaultValue = "${env:CSCS_ENDPOINT:-http://127.0.0.1:7400}",
            description = "Node API to talk to (env CSCS_ENDPOINT; default ${DEFAULT-VALUE}).")
    String endpoint;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "Output format: table or json (default ${DEFAULT-VALUE}).")
    Output output;

    @Option(names = "--passphrase-file", paramLabel = "FILE",
            description = "Read private key passphrases from FILE (else env CSCS_KEY_PASSPHRASE, else a prompt).")
    Path passphraseFile;

    @Option(names = "--cacert", paramLabel = "FILE", description = "CA certificate to trust for HTTPS endpoints.")
    Path cacert;

    @Option(names = "--cert", paramLabel = "FILE", description = "Client certificate for HTTPS endpoints.")
    Path cert;

    @Option(names = "--key", paramLabel = "FILE", description = "Private key of the client certificate.")
    Path key;

    public enum Output { table, json }

    public String endpoint() {
        return endpoint;
    }

    public boolean json() {
        return output == Output.json;
    }

    public Path cacert() {
        return cacert;
    }

    public Path cert() {
        return cert;
    }

    public Path clientKey() {
        return key;
    }

    public Path passphraseFileOrNull() {
        return passphraseFile;
    }

    public PassphraseSource passphrases() {
        return Passphrases.source(passphraseFile);
    }

    public Printer printer() {
        return new Printer(json());
    }
}
