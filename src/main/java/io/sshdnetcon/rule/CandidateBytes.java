package io.sshdnetcon.rule;

import io.sshdnetcon.event.Swar;
import java.nio.charset.StandardCharsets;

/**
 * The byte-level prefilter: whether a record could be one the parser classifies as a candidate. It
 * may say yes to records that are not (the parser decides those); it never says no to one that is.
 *
 * <p>A connection candidate holds the JSON string {@code "connection_attempted"} (its {@code
 * event.action}); an exec candidate holds {@code "/usr/sbin/sshd"} (its {@code
 * process.parent.executable}) and {@code "exec"} (its {@code event.action}). Written plainly, the
 * record's bytes then contain {@code connection_attempted}, or both {@code sshd} and {@code "exec"}
 * (quotes included: {@code executable} and other keys hold {@code exec} too). JSON has two other
 * ways to write those characters: {@code \/} cannot hide a needle, since none holds a {@code /}; a
 * {@code \}{@code u} escape can hide any character, and every escape of an ASCII character begins
 * with the four bytes {@code \}{@code u00}. So a record passes if it contains the connection
 * needle, both exec needles, or those four bytes; {@code CandidateBytesPropertyTest} checks this
 * against the parser on generated, escaped and mutated records.
 *
 * <p>{@code connection_attempted} and {@code sshd} end in {@code d}, and the escape begins with a
 * backslash: one pass looks for those two bytes, eight at a time (a SWAR test on a {@code long}),
 * and checks the needles only where one occurs; {@code "exec"} is looked for only in a record that
 * holds {@code sshd}. Stateless and thread-safe.
 */
public final class CandidateBytes {

    private static final byte[] SSHD = "sshd".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] QUOTED_EXEC = "\"exec\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONNECTION_ATTEMPTED =
            "connection_attempted".getBytes(StandardCharsets.US_ASCII);

    private static final long EVERY_D = Swar.every('d');
    private static final long EVERY_BACKSLASH = Swar.every('\\');

    private CandidateBytes() {}

    /** Whether the {@code len} bytes at {@code off} may be a candidate. */
    public static boolean mayBeCandidate(byte[] buf, int off, int len) {
        int end = off + len;
        int i = off;
        boolean sshd = false;
        for (; i + Swar.BYTES <= end; i += Swar.BYTES) {
            // Every d and backslash of the word, and maybe some other bytes above one: each is
            // checked below, so a false one costs only the check.
            long found = Swar.matches(Swar.word(buf, i), EVERY_D, EVERY_BACKSLASH);
            while (found != 0) {
                int at = i + Swar.lowest(found);
                int hit = needleAt(buf, off, end, at);
                if (hit == PASS) {
                    return true;
                }
                sshd |= hit == SSHD_FOUND;
                found &= found - 1;
            }
        }
        for (; i < end; i++) {
            int hit = needleAt(buf, off, end, i);
            if (hit == PASS) {
                return true;
            }
            sshd |= hit == SSHD_FOUND;
        }
        return sshd && contains(buf, off, end, QUOTED_EXEC);
    }

    private static final int NOTHING = 0;
    private static final int PASS = 1;
    private static final int SSHD_FOUND = 2;

    /** What begins or ends at {@code i}: a needle that passes, {@code sshd}, or nothing. */
    private static int needleAt(byte[] buf, int off, int end, int i) {
        byte b = buf[i];
        if (b == 'd') {
            if (endsAt(buf, off, i, CONNECTION_ATTEMPTED)) {
                return PASS;
            }
            return endsAt(buf, off, i, SSHD) ? SSHD_FOUND : NOTHING;
        }
        return b == '\\'
                        && i + 3 < end
                        && buf[i + 1] == 'u'
                        && buf[i + 2] == '0'
                        && buf[i + 3] == '0'
                ? PASS
                : NOTHING;
    }

    private static boolean contains(byte[] buf, int off, int end, byte[] needle) {
        int last = needle.length - 1;
        for (int i = off + last; i < end; i++) {
            if (buf[i] == needle[last] && endsAt(buf, off, i, needle)) {
                return true;
            }
        }
        return false;
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
