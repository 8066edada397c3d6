package io.sshdnetcon.elasticsearch;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Which server certificates to trust over https. With neither field set the JVM's default trust
 * store applies (a certificate from a public CA). Every mode validates the whole chain (JDK PKIX)
 * and the HTTP client checks the host name against the certificate ({@link
 * ElasticsearchConnection}).
 *
 * @param caCertificateFile PEM file of the CA that signed the nodes' certificates (Elasticsearch's
 *     {@code config/certs/http_ca.crt}); every certificate in it is a trust anchor. Or null
 * @param caFingerprint SHA-256 fingerprint of a certificate the server presents in its chain (the
 *     CA's, or a self-signed node certificate), which becomes the only trust anchor ({@link
 *     PinnedCertificateTrustManager}); 64 hex digits, colons allowed. Or null
 */
public record TrustSettings(String caCertificateFile, String caFingerprint)
        implements Serializable {

    /** Trust what the JVM trusts. */
    public static final TrustSettings JVM_DEFAULT = new TrustSettings(null, null);

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    public TrustSettings {
        caCertificateFile = blankToNull(caCertificateFile);
        caFingerprint = blankToNull(caFingerprint);
        if (caCertificateFile != null && caFingerprint != null) {
            throw new IllegalArgumentException(
                    "trust a CA certificate file or a CA fingerprint, not both");
        }
        if (caFingerprint != null) {
            caFingerprint = caFingerprint.replace(":", "").toLowerCase(Locale.ROOT);
            if (!SHA256_HEX.matcher(caFingerprint).matches()) {
                throw new IllegalArgumentException(
                        "the CA fingerprint must be a SHA-256 digest: 64 hex digits, colons"
                                + " allowed");
            }
        }
    }

    public static TrustSettings caCertificate(String pemFile) {
        return new TrustSettings(pemFile, null);
    }

    public static TrustSettings caFingerprint(String sha256) {
        return new TrustSettings(null, sha256);
    }

    public boolean isJvmDefault() {
        return caCertificateFile == null && caFingerprint == null;
    }

    /** The SSL context to use, or null for the JVM default. Reads the CA file (inside the task). */
    SSLContext sslContextOrNull() {
        if (caCertificateFile != null) {
            return sslContext(pkixTrustManager(readCertificates(caCertificateFile)));
        }
        if (caFingerprint != null) {
            return sslContext(new PinnedCertificateTrustManager(caFingerprint));
        }
        return null;
    }

    /** The JDK's PKIX trust manager with exactly {@code anchors} as trust anchors. */
    static X509ExtendedTrustManager pkixTrustManager(Collection<X509Certificate> anchors) {
        TrustManager[] managers;
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (X509Certificate anchor : anchors) {
                store.setCertificateEntry("anchor-" + i++, anchor);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(store);
            managers = factory.getTrustManagers();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a PKIX trust manager", e);
        }
        for (TrustManager manager : managers) {
            if (manager instanceof X509ExtendedTrustManager pkix) {
                return pkix;
            }
        }
        throw new IllegalStateException("the JDK offers no PKIX X509ExtendedTrustManager");
    }

    private static SSLContext sslContext(X509ExtendedTrustManager trust) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trust}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create a TLS context", e);
        }
    }

    private static List<X509Certificate> readCertificates(String pemFile) {
        List<X509Certificate> certificates = new ArrayList<>();
        try (InputStream in = Files.newInputStream(Path.of(pemFile))) {
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                certificates.add((X509Certificate) c);
            }
        } catch (IOException | CertificateException | RuntimeException e) {
            throw new IllegalStateException(
                    "cannot use " + pemFile + " as a PEM CA certificate: " + e, e);
        }
        if (certificates.isEmpty()) {
            throw new IllegalStateException(
                    "cannot use " + pemFile + " as a PEM CA certificate: it holds no certificate");
        }
        return certificates;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
