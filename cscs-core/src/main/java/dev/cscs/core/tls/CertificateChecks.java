package dev.cscs.core.tls;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Precise reasons why a certificate would be refused: the checks a node runs on its own at startup. */
public final class CertificateChecks {
    private CertificateChecks() {
    }

    /** Problems with this node's own certificate; empty when it will be accepted by its peers. */
    public static List<String> problems(TlsMaterial tls, String advertisedHost, Instant now) {
        List<String> out = new ArrayList<>();
        X509Certificate c = tls.certificate();
        if (now.isAfter(c.getNotAfter().toInstant())) {
            out.add("the node certificate expired on " + c.getNotAfter().toInstant());
        }
        if (now.isBefore(c.getNotBefore().toInstant())) {
            out.add("the node certificate is not valid before " + c.getNotBefore().toInstant() + " (check the clock)");
        }
        if (!issuedBy(c, tls.ca())) {
            out.add("the node certificate is not signed by the cluster CA (" + tls.ca().get(0).getSubjectX500Principal().getName() + ")");
        }
        for (X509Certificate ca : tls.ca()) {
            if (now.isAfter(ca.getNotAfter().toInstant())) {
                out.add("the CA certificate expired on " + ca.getNotAfter().toInstant());
            }
        }
        if (advertisedHost != null && !matchesHost(c, advertisedHost)) {
            out.add("the node certificate has no IP or DNS subject alternative name for " + advertisedHost
                    + ", the address peers dial (issue it with --ip or --dns)");
        }
        return out;
    }

    static String explain(X509Certificate[] chain, List<X509Certificate> ca, CertificateException e) {
        if (chain == null || chain.length == 0) {
            return "no certificate was presented";
        }
        Instant now = Instant.now();
        X509Certificate c = chain[0];
        if (now.isAfter(c.getNotAfter().toInstant())) {
            return "it expired on " + c.getNotAfter().toInstant();
        }
        if (now.isBefore(c.getNotBefore().toInstant())) {
            return "it is not valid before " + c.getNotBefore().toInstant();
        }
        if (!issuedBy(c, ca)) {
            return "it was not issued by the cluster CA (issuer " + c.getIssuerX500Principal().getName() + ")";
        }
        return e.getMessage();
    }

    static boolean issuedBy(X509Certificate c, List<X509Certificate> ca) {
        for (X509Certificate a : ca) {
            try {
                c.verify(a.getPublicKey());
                return true;
            } catch (GeneralSecurityException e) {
                // try the next CA certificate
            }
        }
        return false;
    }

    static boolean matchesHost(X509Certificate c, String host) {
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        Collection<List<?>> sans;
        try {
            sans = c.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return false;
        }
        if (sans == null) {
            return false;
        }
        for (List<?> san : sans) {
            int type = (Integer) san.get(0);
            String value = String.valueOf(san.get(1));
            if (type == 2 && value.equalsIgnoreCase(bare)) {
                return true;
            }
            if (type == 7 && sameIp(value, bare)) {
                return true;
            }
        }
        return false;
    }

    private static boolean sameIp(String a, String b) {
        if (!b.matches("[0-9.]+|[0-9A-Fa-f:.]+")) {
            return false;
        }
        try {
            return InetAddress.getByName(a).equals(InetAddress.getByName(b));
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
