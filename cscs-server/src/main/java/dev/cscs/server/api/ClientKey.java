package dev.cscs.server.api;

import jakarta.servlet.http.HttpServletRequest;
import java.security.cert.X509Certificate;

/**
 * Whom a per-client limit counts a request against. Over mutual TLS that is the client
 * certificate's subject: a thousand devices behind one NAT are a thousand clients, and one
 * device cannot spend another's share by sharing its address. Without a client certificate
 * (plain HTTP, the local listener) it is the remote address.
 */
final class ClientKey {
    private static final String CERTIFICATES = "jakarta.servlet.request.X509Certificate";

    private ClientKey() {
    }

    static String of(HttpServletRequest req) {
        // set by Jetty only for a certificate that the TLS handshake verified against the cluster CA
        if (req.getAttribute(CERTIFICATES) instanceof X509Certificate[] chain && chain.length > 0) {
            return chain[0].getSubjectX500Principal().getName();
        }
        return req.getRemoteAddr();
    }
}
