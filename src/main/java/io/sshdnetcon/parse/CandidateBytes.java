package io.sshdnetcon.parse;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

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
 * <p>Both needles end in {@code d}, and the escape begins with a backslash: one pass looks for
 * those two bytes, eight at a time (a SWAR test on a {@code long}), and checks the needles only
 * where one occurs. Stateless and thread-safe.
 */
public final class CandidateBytes {

    private static final VarHandle LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private static final byte[] SSHD = "sshd".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONNECTION_ATTEMPTED =
            "connection_attempted".getBytes(StandardCharsets.US_ASCII);

    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long EVERY_D = 'd' * ONES;
    private static final long EVERY_BACKSLASH = '\\' * ONES;

    private CandidateBytes() {}

    /** Whether the {@code len} bytes at {@code off} may be a candidate. */
    public static boolean mayBeCandidate(byte[] buf, int off, int len) {
        int end = off + len;
        int i = off;
        for (; i + Long.BYTES <= end; i += Long.BYTES) {
            long word = (long) LONGS.get(buf, i);
            long d = word ^ EVERY_D;
            long backslash = word ^ EVERY_BACKSLASH;
            // The high bit of each byte that is zero in d or in backslash (no false negatives;
            // a false positive is checked below like any other).
            long found = ((d - ONES) & ~d | (backslash - ONES) & ~backslash) & HIGHS;
            while (found != 0) {
                if (needleAt(buf, off, end, i + (Long.numberOfTrailingZeros(found) >>> 3))) {
                    return true;
                }
                found &= found - 1;
            }
        }
        for (; i < end; i++) {
            if (needleAt(buf, off, end, i)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a needle ends at {@code i} (a {@code d}) or the escape begins there. */
    private static boolean needleAt(byte[] buf, int off, int end, int i) {
        byte b = buf[i];
        if (b == 'd') {
            return endsAt(buf, off, i, SSHD) || endsAt(buf, off, i, CONNECTION_ATTEMPTED);
        }
        return b == '\\'
                && i + 3 < end
                && buf[i + 1] == 'u'
                && buf[i + 2] == '0'
                && buf[i + 3] == '0';
    }

    private static boolean endsAt(byte[] buf, int off, int last, byte[] needle) {
        int start = last - needle.length + 1;
        if (start < off) {
            return false;
        }
        for (int j = 0; j < needle.length - 1; j++) {
            if (buf[start + j] != needle[j]) {
                return false;
            }
        }
        return true;
    }
}
