package io.sshdnetcon.sink.elasticsearch;

import co.elastic.clients.transport.TransportUtils;
import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * Which server certificates to trust over https. With neither field set the JVM's default trust
 * store applies (a certificate from a public CA). Host names are always verified.
 *
 * @param caCertificateFile PEM file of the CA that signed the nodes' certificates (Elasticsearch's
 *     {@code config/certs/http_ca.crt}), or null
 * @param caFingerprint SHA-256 fingerprint of that CA certificate (64 hex digits, colons allowed),
 *     or null
 */
public record TrustSettings(String caCertificateFile, String caFingerprint) implements Serializable {

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
            try {
                return TransportUtils.sslContextFromHttpCaCrt(new File(caCertificateFile));
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException(
                        "cannot use " + caCertificateFile + " as a PEM CA certificate: " + e, e);
            }
        }
        if (caFingerprint != null) {
            return TransportUtils.sslContextFromCaFingerprint(caFingerprint);
        }
        return null;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
