package io.sshdnetcon.elasticsearch;

import java.net.Socket;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts a server whose chain validates, with full PKIX checks (signatures, validity, basic
 * constraints, key usage), up to the one certificate whose SHA-256 fingerprint is pinned.
 *
 * <p>The pinned certificate is known only by its hash, so it has to come from the server: it must
 * be one of the certificates presented (Elasticsearch's auto-configured TLS sends its {@code
 * http_ca.crt} after the node's certificate). Finding it there proves nothing by itself, since CA
 * certificates are public; it becomes the only trust anchor of a standard JDK PKIX validation of
 * the presented chain. So a chain "impostor's leaf, real CA" fails: the leaf's signature is not the
 * CA's. A self-signed node certificate that is itself pinned is its own anchor and passes.
 *
 * <p>The client this replaces (elasticsearch-java's {@code
 * TransportUtils.sslContextFromCaFingerprint}) hashed only the last certificate presented and
 * checked no signature at all.
 *
 * <p>Host names are checked by the HTTP client after the handshake ({@link
 * ElasticsearchConnection}), as in CA-file mode; the delegate also checks them whenever the engine
 * asks for endpoint identification.
 */
final class PinnedCertificateTrustManager extends X509ExtendedTrustManager {

    private final byte[] pinnedSha256;

    /** The delegate for the pinned certificate, built on first sight of it. */
    private volatile Anchored anchored;

    private record Anchored(X509Certificate anchor, X509ExtendedTrustManager pkix) {}

    /**
     * @param sha256Hex 64 lowercase hex digits (as normalized by {@link TrustSettings})
     */
    PinnedCertificateTrustManager(String sha256Hex) {
        this.pinnedSha256 = HexFormat.of().parseHex(sha256Hex);
        if (pinnedSha256.length != 32) {
            throw new IllegalArgumentException("a SHA-256 fingerprint has 32 bytes");
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        anchoredIn(chain).pkix().checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        anchoredIn(chain).pkix().checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
            throws CertificateException {
        anchoredIn(chain).pkix().checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("this trust manager only checks servers");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("this trust manager only checks servers");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
            throws CertificateException {
        throw new CertificateException("this trust manager only checks servers");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        Anchored current = anchored;
        return current == null ? new X509Certificate[0] : new X509Certificate[] {current.anchor()};
    }

    private Anchored anchoredIn(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the server presented no certificate");
        }
        List<String> presented = new ArrayList<>(chain.length);
        for (X509Certificate certificate : chain) {
            byte[] digest = sha256(certificate);
            if (MessageDigest.isEqual(digest, pinnedSha256)) {
                return anchoredBy(certificate);
            }
            presented.add(
                    certificate.getSubjectX500Principal().getName()
                            + " (SHA-256 "
                            + HexFormat.of().formatHex(digest)
                            + ")");
        }
        throw new CertificateException(
                "none of the certificates the server presented has the pinned SHA-256 fingerprint "
                        + HexFormat.of().formatHex(pinnedSha256)
                        + " (es.ca-fingerprint): "
                        + presented);
    }

    private Anchored anchoredBy(X509Certificate pinned) throws CertificateException {
        Anchored current = anchored;
        if (current != null && current.anchor().equals(pinned)) {
            return current;
        }
        X509ExtendedTrustManager pkix = TrustSettings.pkixTrustManager(List.of(pinned));
        current = new Anchored(pinned, pkix);
        anchored = current;
        return current;
    }

    private static byte[] sha256(X509Certificate certificate) throws CertificateEncodingException {
        try {
            return MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
