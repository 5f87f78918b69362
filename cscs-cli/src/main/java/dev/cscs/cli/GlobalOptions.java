package dev.cscs.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Options every online verb takes (DESIGN.md §6): {@link LocalOptions} and the connection. The connection settings are resolved by
 * {@link Connection}: a flag wins over the environment, which wins over the client context.
 */
public final class GlobalOptions extends LocalOptions {
    @Option(names = "--endpoint", paramLabel = "URL",
            description = "Node API to talk to (env CSCS_ENDPOINT; default " + Connection.DEFAULT_ENDPOINT + ").")
    String endpoint;

    @Option(names = "--endpoints", split = ",", paramLabel = "URL,URL",
            description = "Nodes to try in order, failing over on no answer or 503 (env CSCS_ENDPOINTS).")
    List<String> endpoints = new ArrayList<>();

    @Option(names = "--context", paramLabel = "NAME",
            description = "Context of the client config (env CSCS_CONFIG, default ~/.config/cscs/config.yaml).")
    String context;

    @Option(names = "--timeout", paramLabel = "DURATION",
            description = "Per request, e.g. 10s, 500ms, 1m (env CSCS_TIMEOUT; default 10s).")
    String timeout;

    @Option(names = "--cacert", paramLabel = "FILE", description = "CA certificate to trust for HTTPS (env CSCS_CACERT).")
    Path cacert;

    @Option(names = "--cert", paramLabel = "FILE", description = "Client certificate for HTTPS (env CSCS_CERT).")
    Path cert;

    @Option(names = "--key", paramLabel = "FILE", description = "Private key of the client certificate (env CSCS_KEY).")
    Path key;

    private Connection connection;

    public enum Output { table, json, yaml }

    /** The resolved connection settings (flags, then the environment, then the context). */
    public Connection connection() {
        if (connection == null) {
            connection = Connection.resolve(this, System.getenv());
        }
        return connection;
    }

    /** The first endpoint to try. */
    public String endpoint() {
        return connection().endpoints().get(0);
    }

    public Path cacert() {
        return connection().cacert();
    }

    public Path cert() {
        return connection().cert();
    }

    public Path clientKey() {
        return connection().key();
    }
}
