package dev.cscs.server;

import dev.cscs.core.tls.CheckingTrustManager;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.net.ssl.X509TrustManager;

/**
 * Who may speak Raft to this node: a certificate from the cluster CA is not enough (operators
 * and edge devices have those too). The peer must present a node certificate (TLS server and
 * client use) whose common name is a node the cluster knows and has not removed.
 */
final class RaftPeerTrust extends CheckingTrustManager {
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private final X509TrustManager ca;
    private final Supplier<Set<String>> nodes;
    private final Consumer<String> rejections;

    RaftPeerTrust(X509TrustManager ca, Supplier<Set<String>> nodes, Consumer<String> rejections) {
        super(ca);
        this.ca = ca;
        this.nodes = nodes;
        this.rejections = rejections;
    }

    @Override
    protected void check(X509Certificate[] chain, String authType, boolean client) throws CertificateException {
        if (client) {
            ca.checkClientTrusted(chain, authType);
        } else {
            ca.checkServerTrusted(chain, authType);
        }
        X509Certificate c = chain[0];
        String cn = commonName(c);
        if (!hasServerAuth(c)) {
            refuse("Raft peer " + cn + " presented a client-only certificate (an operator's or an edge device's), "
                    + "not a node certificate");
        }
        Set<String> known = nodes.get();
        if (!known.contains(cn)) {
            refuse("Raft peer " + cn + " is not a node of this cluster (known: " + known + "); removed nodes and strangers "
                    + "are refused even with a CA certificate");
        }
    }

    private void refuse(String why) throws CertificateException {
        rejections.accept(why);
        throw new CertificateException(why);
    }

    static String commonName(X509Certificate c) {
        for (String part : c.getSubjectX500Principal().getName().split(",")) {
            if (part.startsWith("CN=")) {
                return part.substring(3);
            }
        }
        return "";
    }

    private static boolean hasServerAuth(X509Certificate c) {
        try {
            List<String> eku = c.getExtendedKeyUsage();
            return eku != null && eku.contains(SERVER_AUTH);
        } catch (CertificateParsingException e) {
            return false;
        }
    }
}
