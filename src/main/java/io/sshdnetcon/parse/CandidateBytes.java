package io.sshdnetcon.parse;

/**
 * The byte-level prefilter: whether a record could be one the parser classifies as a candidate. It
 * may say yes to records that are not (the parser decides those); it never says no to one that is.
 *
 * <p>Every candidate holds one of two JSON strings: an exec's {@code process.parent.executable} is
 * {@code "/usr/sbin/sshd"}, a connection's {@code event.action} is {@code "connection_attempted"}.
 * Written plainly, the record's bytes then contain {@code sshd} or {@code connection_attempted}.
 * JSON has two other ways to write those characters: {@code \/} cannot hide either needle, since
 * neither holds a {@code /}; a {@code \}{@code u} escape can hide any character, and every escape
 * of an ASCII character begins with the four bytes {@code \}{@code u00}. So a record passes if it
 * contains either needle or those four bytes; {@code CandidateBytesPropertyTest} checks this
 * against the parser on generated, escaped and mutated records.
 *
 * <p>Each needle is found with Boyer-Moore-Horspool, which reads about one byte in four (one in
 * twenty for the longest needle) of a record that holds none. Stateless and thread-safe.
 */
public final class CandidateBytes {

    private static final Needle SSHD = new Needle("sshd");
    private static final Needle CONNECTION_ATTEMPTED = new Needle("connection_attempted");
    private static final Needle ASCII_ESCAPE = new Needle("\\u00");

    private CandidateBytes() {}

    /** Whether the {@code len} bytes at {@code off} may be a candidate. */
    public static boolean mayBeCandidate(byte[] buf, int off, int len) {
        return CONNECTION_ATTEMPTED.in(buf, off, len)
                || SSHD.in(buf, off, len)
                || ASCII_ESCAPE.in(buf, off, len);
    }

    /** One needle and its Horspool shift table. */
    private static final class Needle {
        private final byte[] bytes;
        private final int[] shift = new int[256];

        Needle(String ascii) {
            bytes = ascii.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            int m = bytes.length;
            java.util.Arrays.fill(shift, m);
            for (int i = 0; i < m - 1; i++) {
                shift[bytes[i] & 0xff] = m - 1 - i;
            }
        }

        boolean in(byte[] buf, int off, int len) {
            byte[] n = bytes;
            int m = n.length;
            int last = m - 1;
            byte lastByte = n[last];
            int end = off + len - m;
            int i = off;
            while (i <= end) {
                byte b = buf[i + last];
                if (b == lastByte && matchesAt(buf, i, n, last)) {
                    return true;
                }
                i += shift[b & 0xff];
            }
            return false;
        }

        private static boolean matchesAt(byte[] buf, int at, byte[] n, int last) {
            for (int j = 0; j < last; j++) {
                if (buf[at + j] != n[j]) {
                    return false;
                }
            }
            return true;
        }
    }
}
