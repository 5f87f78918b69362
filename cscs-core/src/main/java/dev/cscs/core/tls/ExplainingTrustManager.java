package dev.cscs.core.tls;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.Consumer;
import javax.net.ssl.X509TrustManager;

/**
 * The JDK's PKIX trust manager, plus an explanation of each rejection ("expired on …", "not
 * issued by the cluster CA") handed to a callback, so an operator sees why a peer was refused.
 */
final class ExplainingTrustManager extends CheckingTrustManager {
    private final X509TrustManager delegate;
    private final List<X509Certificate> ca;
    private final Consumer<String> rejections;

    ExplainingTrustManager(X509TrustManager delegate, List<X509Certificate> ca, Consumer<String> rejections) {
        super(delegate);
        this.delegate = delegate;
        this.ca = ca;
        this.rejections = rejections;
    }

    @Override
    protected void check(X509Certificate[] chain, String authType, boolean client) throws CertificateException {
        try {
            if (client) {
                delegate.checkClientTrusted(chain, authType);
            } else {
                delegate.checkServerTrusted(chain, authType);
            }
        } catch (CertificateException e) {
            String who = chain == null || chain.length == 0 ? "(no certificate)" : chain[0].getSubjectX500Principal().getName();
            rejections.accept((client ? "client" : "server") + " certificate " + who + " refused: "
                    + CertificateChecks.explain(chain, ca, e));
            throw e;
        }
    }
}
