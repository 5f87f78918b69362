package dev.cscs.core.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A trust manager that answers every JSSE entry point with one {@link #check}: the JDK calls
 * the socket and engine variants, and a check added to only some of them would be skipped.
 */
public abstract class CheckingTrustManager extends X509ExtendedTrustManager {
    private final X509TrustManager issuers;

    /** @param issuers supplies the accepted issuers a peer is told about */
    protected CheckingTrustManager(X509TrustManager issuers) {
        this.issuers = issuers;
    }

    /** Throws when the peer's chain is not acceptable; {@code client} is true for a client's certificate. */
    protected abstract void check(X509Certificate[] chain, String authType, boolean client) throws CertificateException;

    @Override
    public final void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, authType, true);
    }

    @Override
    public final void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, authType, false);
    }

    @Override
    public final void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain, authType, true);
    }

    @Override
    public final void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain, authType, false);
    }

    @Override
    public final void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain, authType, true);
    }

    @Override
    public final void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain, authType, false);
    }

    @Override
    public final X509Certificate[] getAcceptedIssuers() {
        return issuers.getAcceptedIssuers();
    }
}
