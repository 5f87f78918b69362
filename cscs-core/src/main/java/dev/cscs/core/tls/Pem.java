package dev.cscs.core.tls;

import dev.cscs.core.error.IoFailure;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/** Certificates as PEM files. */
public final class Pem {
    private Pem() {
    }

    public static String certificates(List<X509Certificate> certs) {
        StringWriter out = new StringWriter();
        try (PemWriter w = new PemWriter(out)) {
            for (X509Certificate c : certs) {
                w.writeObject(new PemObject("CERTIFICATE", c.getEncoded()));
            }
        } catch (IOException | CertificateEncodingException e) {
            throw new CscsException(ErrorCode.INTERNAL, "cannot encode a certificate", e);
        }
        return out.toString();
    }

    public static void writeCertificates(Path file, List<X509Certificate> certs) {
        try {
            Files.write(file, certificates(certs).getBytes(StandardCharsets.US_ASCII), StandardOpenOption.CREATE_NEW);
        } catch (FileAlreadyExistsException e) {
            throw new CscsException(ErrorCode.IO, file + " already exists; refusing to overwrite it");
        } catch (IOException e) {
            throw IoFailure.of("write", file, e);
        }
    }
}
