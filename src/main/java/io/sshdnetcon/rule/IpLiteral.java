package io.sshdnetcon.rule;

import java.util.Objects;

/**
 * Strict IP literal parsing into a 128-bit value held in two longs.
 *
 * <p>Every IPv4 address {@code a.b.c.d} is represented as the IPv4-mapped IPv6 address {@code
 * ::ffff:a.b.c.d}, so IPv4 and IPv6 share one number space and a mapped literal such as {@code
 * ::ffff:10.0.0.1} is, by construction, the IPv4 address 10.0.0.1. The IPv4-compatible form {@code
 * ::10.0.0.1} is an ordinary IPv6 address.
 *
 * <p>The grammar is as strict as Guava's and Elasticsearch's {@code InetAddresses.forString}: no
 * whitespace, no leading zeros in dotted-quad parts (they are ambiguous between octal and decimal),
 * no brackets, no prefix lengths. A {@code %zone} suffix is accepted, and ignored, on IPv6 only.
 * Nothing here resolves names: this must never be able to trigger DNS.
 */
public final class IpLiteral {

    /** Bits 32..47 of the low word of every IPv4-mapped address (::ffff:0:0/96). */
    static final long IPV4_MAPPED_PREFIX = 0xFFFF_0000_0000L;

    private static final int IPV6_GROUPS = 8;

    private IpLiteral() {}

    /**
     * Parses {@code text} as an IP literal.
     *
     * @return true and writes the high 64 bits to {@code out[offset]} and the low 64 bits to {@code
     *     out[offset + 1]} if {@code text} is a valid literal; false otherwise, leaving {@code out}
     *     untouched. A null text is not a literal.
     * @throws IndexOutOfBoundsException if {@code out} has no room for two longs at {@code offset}
     *     (a caller bug, so it is reported whatever the text is)
     */
    public static boolean parse(CharSequence text, long[] out, int offset) {
        Objects.checkFromIndexSize(offset, 2, out.length);
        if (text == null) {
            return false;
        }
        int length = text.length();
        int zoneStart = indexOf(text, '%', 0, length);
        int addressEnd = zoneStart < 0 ? length : zoneStart;

        if (indexOf(text, ':', 0, addressEnd) >= 0) {
            if (zoneStart == length - 1) {
                return false; // an empty zone is a typo, not "no zone"
            }
            return parseIpv6(text, addressEnd, out, offset);
        }
        if (zoneStart >= 0) {
            return false; // zones exist only for IPv6 link-local scopes
        }
        long ipv4 = parseIpv4(text, 0, length);
        if (ipv4 < 0) {
            return false;
        }
        out[offset] = 0L;
        out[offset + 1] = IPV4_MAPPED_PREFIX | ipv4;
        return true;
    }

    /** True iff the value lies in ::ffff:0:0/96, i.e. it is an IPv4 address. */
    public static boolean isIpv4(long hi, long lo) {
        return hi == 0L && (lo >>> 32) == 0xFFFFL;
    }

    /**
     * Dotted quad for IPv4, otherwise the RFC 5952 canonical text (lowercase, no leading zeros, the
     * longest run of two or more zero groups compressed, leftmost on a tie).
     */
    public static String format(long hi, long lo) {
        if (isIpv4(hi, lo)) {
            return formatIpv4(lo & 0xFFFF_FFFFL);
        }
        int bestStart = -1;
        int bestLength = 1; // a single zero group is never compressed (RFC 5952 4.2.2)
        int runStart = -1;
        for (int i = 0; i <= IPV6_GROUPS; i++) {
            if (i < IPV6_GROUPS && group(hi, lo, i) == 0) {
                if (runStart < 0) {
                    runStart = i;
                }
            } else if (runStart >= 0) {
                if (i - runStart > bestLength) {
                    bestStart = runStart;
                    bestLength = i - runStart;
                }
                runStart = -1;
            }
        }
        StringBuilder text = new StringBuilder(39);
        for (int i = 0; i < IPV6_GROUPS; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(group(hi, lo, i)));
        }
        return text.toString();
    }

    private static String formatIpv4(long ipv4) {
        return ((ipv4 >>> 24) & 0xFF)
                + "."
                + ((ipv4 >>> 16) & 0xFF)
                + "."
                + ((ipv4 >>> 8) & 0xFF)
                + "."
                + (ipv4 & 0xFF);
    }

    private static int group(long hi, long lo, int index) {
        long word = index < 4 ? hi : lo;
        return (int) (word >>> (48 - 16 * (index & 3))) & 0xFFFF;
    }

    /**
     * Parses exactly four dot-separated decimal parts in {@code [start, end)}.
     *
     * @return the 32-bit value, or -1 if the text is not a strict dotted quad
     */
    private static long parseIpv4(CharSequence text, int start, int end) {
        long value = 0;
        int parts = 0;
        int position = start;
        while (true) {
            int partStart = position;
            int part = 0;
            while (position < end && position - partStart < 4) {
                char c = text.charAt(position);
                if (c < '0' || c > '9') {
                    break;
                }
                part = part * 10 + (c - '0');
                position++;
            }
            int digits = position - partStart;
            if (digits == 0 || digits > 3 || part > 255) {
                return -1;
            }
            if (digits > 1 && text.charAt(partStart) == '0') {
                return -1;
            }
            value = (value << 8) | part;
            parts++;
            if (position == end) {
                return parts == 4 ? value : -1;
            }
            if (parts == 4 || text.charAt(position) != '.') {
                return -1;
            }
            position++; // the dot; a trailing dot leaves an empty part, rejected above
        }
    }

    /**
     * Parses an IPv6 address in {@code [0, end)} (zone already cut off).
     *
     * <p>Groups before "::" are accumulated in {@code head}, groups after it in {@code tail}, each
     * by shifting left; at the end the head is shifted into the top bits, which places the zero
     * groups that "::" stands for between the two without knowing their count in advance.
     */
    private static boolean parseIpv6(CharSequence text, int end, long[] out, int offset) {
        if (end < 2) {
            return false;
        }
        long headHi = 0;
        long headLo = 0;
        long tailHi = 0;
        long tailLo = 0;
        int headGroups = 0;
        int tailGroups = 0;
        boolean compressed = false;

        int position = 0;
        if (text.charAt(0) == ':') {
            if (text.charAt(1) != ':') {
                return false; // a single leading colon
            }
            compressed = true;
            position = 2;
        }
        while (position < end) {
            int groupStart = position;
            int group = 0;
            while (position < end) {
                int digit = hexDigit(text.charAt(position));
                if (digit < 0) {
                    break;
                }
                group = (group << 4) | digit;
                position++;
                if (position - groupStart > 4) {
                    return false;
                }
            }
            int bits;
            long groupValue;
            if (position < end && text.charAt(position) == '.') {
                // An embedded dotted quad must run to the end, so it can only be the last 32 bits.
                long ipv4 = parseIpv4(text, groupStart, end);
                if (ipv4 < 0) {
                    return false;
                }
                bits = 32;
                groupValue = ipv4;
                position = end;
            } else {
                if (position == groupStart) {
                    return false; // empty group: ":::", a stray character, or a second "::" start
                }
                bits = 16;
                groupValue = group;
            }

            int groupsAdded = bits / 16;
            if (headGroups + tailGroups + groupsAdded > IPV6_GROUPS) {
                return false;
            }
            if (compressed) {
                tailHi = (tailHi << bits) | (tailLo >>> (64 - bits));
                tailLo = (tailLo << bits) | groupValue;
                tailGroups += groupsAdded;
            } else {
                headHi = (headHi << bits) | (headLo >>> (64 - bits));
                headLo = (headLo << bits) | groupValue;
                headGroups += groupsAdded;
            }

            if (position == end) {
                break;
            }
            char separator = text.charAt(position);
            if (separator != ':') {
                return false;
            }
            position++;
            if (position == end) {
                return false; // a single trailing colon
            }
            if (text.charAt(position) == ':') {
                if (compressed) {
                    return false; // a second "::"
                }
                compressed = true;
                position++;
            }
        }

        int groups = headGroups + tailGroups;
        if (compressed ? groups >= IPV6_GROUPS : groups != IPV6_GROUPS) {
            return false; // "::" must stand for at least one zero group
        }
        // Move the head into the top bits; the gap left below it is the run of zeros "::" denotes.
        int headShift = 16 * (IPV6_GROUPS - headGroups);
        long hi;
        long lo;
        if (headShift == 0) {
            hi = headHi;
            lo = headLo;
        } else if (headShift >= 128) {
            hi = 0;
            lo = 0;
        } else if (headShift >= 64) {
            hi = headLo << (headShift - 64);
            lo = 0;
        } else {
            hi = (headHi << headShift) | (headLo >>> (64 - headShift));
            lo = headLo << headShift;
        }
        out[offset] = hi | tailHi;
        out[offset + 1] = lo | tailLo;
        return true;
    }

    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private static int indexOf(CharSequence text, char wanted, int start, int end) {
        for (int i = start; i < end; i++) {
            if (text.charAt(i) == wanted) {
                return i;
            }
        }
        return -1;
    }
}
