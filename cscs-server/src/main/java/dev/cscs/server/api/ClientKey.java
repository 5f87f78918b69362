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
        X509Certificate cert = certificate(req);
        return cert != null ? cert.getSubjectX500Principal().getName() : req.getRemoteAddr();
    }

    /** The client's certificate, or null without one; Jetty sets it only after the handshake verified it against the cluster CA. */
    static X509Certificate certificate(HttpServletRequest req) {
        return req.getAttribute(CERTIFICATES) instanceof X509Certificate[] chain && chain.length > 0 ? chain[0] : null;
    }
}
