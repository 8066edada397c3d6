package io.sshdnetcon.parse;

import io.sshdnetcon.event.Swar;

/**
 * Strict UTF-8 validation (RFC 3629; Unicode's table of well-formed byte sequences). Jackson
 * decodes leniently: it accepts overlong forms ({@code C0 AF} for {@code /}), encoded surrogates
 * and code points beyond U+10FFFF, and skips over bytes of values it never decodes. An overlong
 * {@code /usr/sbin/sshd} would then match the rule while being a different byte string from the one
 * any strict consumer sees, and the alert's {@code Events} could not hold the original event as
 * received. So the parser checks every record first; ASCII, almost all of an ECS event, is checked
 * eight bytes at a time.
 */
final class Utf8 {

    private Utf8() {}

    /** The index (relative to {@code off}) of the first byte that is not valid UTF-8, or -1. */
    static int firstInvalid(byte[] buf, int off, int len) {
        int i = off;
        int end = off + len;
        while (i < end) {
            while (i + Swar.BYTES <= end && Swar.allAscii(Swar.word(buf, i))) {
                i += Swar.BYTES;
            }
            if (i == end) {
                break;
            }
            if (buf[i] >= 0) {
                i++;
                continue;
            }
            int n = sequenceLength(buf, i, end);
            if (n == 0) {
                return i - off;
            }
            i += n;
        }
        return -1;
    }

    /** The length of the well-formed multi-byte sequence at {@code i}, or 0 if it is not one. */
    private static int sequenceLength(byte[] buf, int i, int end) {
        int lead = buf[i] & 0xFF;
        int n;
        int min2 = 0x80;
        int max2 = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            n = 2;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            n = 3;
            if (lead == 0xE0) {
                min2 = 0xA0; // overlong below U+0800
            } else if (lead == 0xED) {
                max2 = 0x9F; // surrogates U+D800..U+DFFF
            }
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            n = 4;
            if (lead == 0xF0) {
                min2 = 0x90; // overlong below U+10000
            } else if (lead == 0xF4) {
                max2 = 0x8F; // beyond U+10FFFF
            }
        } else {
            return 0; // a continuation byte, C0/C1 (always overlong) or F5..FF
        }
        if (i + n > end) {
            return 0;
        }
        int second = buf[i + 1] & 0xFF;
        if (second < min2 || second > max2) {
            return 0;
        }
        for (int k = 2; k < n; k++) {
            if ((buf[i + k] & 0xC0) != 0x80) {
                return 0;
            }
        }
        return n;
    }
}
