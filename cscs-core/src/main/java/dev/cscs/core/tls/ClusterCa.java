package dev.cscs.core.tls;

import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.crypto.PublicKeyRef;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.model.Names;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The cluster CA: a self-signed CA certificate, and node certificates it issues (the node id
 * as CN, IP and DNS SANs, usable for both TLS server and client). Peers and API clients are
 * trusted only through it.
 */
public final class ClusterCa {
    public static final Duration CA_VALIDITY = Duration.ofDays(3650);
    public static final Duration NODE_VALIDITY = Duration.ofDays(825);
    private static final SecureRandom RANDOM = new SecureRandom();

    private ClusterCa() {
    }

    public static X509Certificate selfSigned(PrivateKeyRef caKey, String name, Instant now, Duration validity) {
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, name).addRDN(BCStyle.O, "cscs").build();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(now.minusSeconds(60)),
                    Date.from(now.plus(validity)), subject, caKey.publicKey().key());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(caKey.publicKey().key()));
            return sign(b, caKey);
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new CscsException(ErrorCode.INTERNAL, "cannot build the CA certificate: " + e.getMessage(), e);
        }
    }

    /** A node certificate for {@code nodeId} with the given IP and DNS subject alternative names. */
    public static X509Certificate issue(PrivateKeyRef caKey, X509Certificate caCert, String nodeId, PublicKeyRef nodeKey,
                                        List<String> ips, List<String> dnsNames, Instant now, Duration validity) {
        Names.checkNodeId(nodeId);
        if (ips.isEmpty() && dnsNames.isEmpty()) {
            throw new CscsException(ErrorCode.USAGE, "a node certificate needs at least one --ip or --dns name: peers "
                    + "check the address they dial against it");
        }
        List<GeneralName> sans = new ArrayList<>();
        for (String ip : ips) {
            sans.add(new GeneralName(GeneralName.iPAddress, checkIp(ip)));
        }
        for (String dns : dnsNames) {
            if (!dns.matches("[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?")) {
                throw new CscsException(ErrorCode.USAGE, "--dns " + Names.shown(dns) + " is not a DNS name");
            }
            sans.add(new GeneralName(GeneralName.dNSName, dns));
        }
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, nodeId).addRDN(BCStyle.O, "cscs").build();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(caCert, serial(), Date.from(now.minusSeconds(60)),
                    Date.from(now.plus(validity)), subject, nodeKey.key());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            b.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(new GeneralName[0])));
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(nodeKey.key()));
            return sign(b, caKey);
        } catch (IOException | NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new CscsException(ErrorCode.INTERNAL, "cannot build the node certificate: " + e.getMessage(), e);
        }
    }

    /** A client certificate (operators, edge agents): no addresses, client authentication only. */
    public static X509Certificate issueClient(PrivateKeyRef caKey, X509Certificate caCert, String name, PublicKeyRef key,
                                              Instant now, Duration validity) {
        Names.checkNodeId(name);
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, name).addRDN(BCStyle.O, "cscs").build();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(caCert, serial(), Date.from(now.minusSeconds(60)),
                    Date.from(now.plus(validity)), subject, key.key());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
            return sign(b, caKey);
        } catch (IOException | NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new CscsException(ErrorCode.INTERNAL, "cannot build the client certificate: " + e.getMessage(), e);
        }
    }

    private static String checkIp(String ip) {
        if (!ip.matches("[0-9.]{7,15}|[0-9A-Fa-f:.]{2,45}")) {
            throw new CscsException(ErrorCode.USAGE, "--ip " + Names.shown(ip) + " is not an IP address");
        }
        try {
            return InetAddress.getByName(ip).getHostAddress();
        } catch (UnknownHostException e) {
            throw new CscsException(ErrorCode.USAGE, "--ip " + Names.shown(ip) + " is not an IP address");
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKeyRef caKey) {
        try {
            ContentSigner signer = new JcaContentSignerBuilder(signatureAlgorithm(caKey)).build(caKey.jcaKey());
            return new JcaX509CertificateConverter().getCertificate(b.build(signer));
        } catch (OperatorCreationException | CertificateException e) {
            throw new CscsException(ErrorCode.INTERNAL, "cannot sign the certificate: " + e.getMessage(), e);
        }
    }

    private static String signatureAlgorithm(PrivateKeyRef key) {
        switch (key.type()) {
            case EC_P256:
                return "SHA256withECDSA";
            case RSA:
                return "SHA256withRSA";
            default:
                return "Ed25519";
        }
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }
}
