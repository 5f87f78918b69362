package dev.cscs.cli.http;

import dev.cscs.cli.GlobalOptions;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.tls.TlsMaterial;
import java.net.http.HttpClient;
import java.security.GeneralSecurityException;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/** Builds the JDK HTTP client; HTTPS with the cluster CA and a client certificate when given. */
final class TlsClient {
    /** A node that does not accept a connection in this long is treated as down: fail over. */
    private static final Duration CONNECT = Duration.ofSeconds(3);

    private TlsClient() {
    }

    static HttpClient build(GlobalOptions global) {
        Duration connect = global.connection().timeout().compareTo(CONNECT) < 0 ? global.connection().timeout() : CONNECT;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(connect).followRedirects(HttpClient.Redirect.NEVER);
        if (global.cacert() != null || global.cert() != null) {
            b.sslContext(sslContext(global));
        } else if (global.connection().endpoints().stream().anyMatch(e -> e.startsWith("https://"))) {
            throw new CscsException(ErrorCode.USAGE, "an https:// endpoint needs --cacert (the cluster CA) and, for "
                    + "anything but loopback, --cert and --key (or CSCS_CACERT, CSCS_CERT, CSCS_KEY, or a context) (a client certificate from `cscs ca issue --client`)");
        }
        return b.build();
    }

    private static SSLContext sslContext(GlobalOptions global) {
        if (global.cacert() == null) {
            throw new CscsException(ErrorCode.USAGE, "--cert needs --cacert too");
        }
        if ((global.cert() == null) != (global.clientKey() == null)) {
            throw new CscsException(ErrorCode.USAGE, "give --cert and --key together");
        }
        StringBuilder why = new StringBuilder();
        if (global.cert() != null) {
            return TlsMaterial.load(global.cacert(), global.cert(), global.clientKey(), global.passphrases())
                    .sslContext(why::append);
        }
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {TlsMaterial.trustManager(TlsMaterial.readCertificates(global.cacert()), why::append)}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new CscsException(ErrorCode.INTERNAL, "cannot set up TLS: " + e.getMessage());
        }
    }
}
