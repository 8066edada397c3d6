package io.sshdnetcon.rule;

/**
 * One exclusion entry: a network and a prefix length, in one address family.
 *
 * <p>The network is stored in the shared 128-bit space of {@link IpLiteral} (IPv4 as
 * ::ffff:a.b.c.d), but {@code prefixLength} is in the family's own terms: 0..32 for IPv4, 0..128
 * for IPv6. The family is explicit because an IPv6 range such as {@code ::/0} numerically covers
 * the IPv4-mapped block and must still never match an IPv4 address.
 *
 * @param ipv4 whether this is an IPv4 range
 * @param networkHi high 64 bits of the first address
 * @param networkLo low 64 bits of the first address
 * @param prefixLength the number of leading network bits, in the family's own terms
 */
public record CidrRange(boolean ipv4, long networkHi, long networkLo, int prefixLength) {

    private static final int IPV4_BITS = 32;
    private static final int IPV6_BITS = 128;

    /** Where the 32 IPv4 bits start inside the 128-bit space. */
    private static final int IPV4_OFFSET = IPV6_BITS - IPV4_BITS;

    public CidrRange {
        int maxPrefix = ipv4 ? IPV4_BITS : IPV6_BITS;
        if (prefixLength < 0 || prefixLength > maxPrefix) {
            throw new IllegalArgumentException(
                    "prefix length " + prefixLength + " is outside 0.." + maxPrefix);
        }
        if (ipv4 != IpLiteral.isIpv4(networkHi, networkLo)) {
            throw new IllegalArgumentException(
                    "network "
                            + IpLiteral.format(networkHi, networkLo)
                            + (ipv4
                                    ? " is not an IPv4 address"
                                    : " is an IPv4 address in an IPv6 range"));
        }
        int bits = spacePrefix(ipv4, prefixLength);
        if ((networkHi & hostMaskHi(bits)) != 0 || (networkLo & hostMaskLo(bits)) != 0) {
            throw new IllegalArgumentException(
                    "network "
                            + IpLiteral.format(networkHi, networkLo)
                            + " has host bits set beyond /"
                            + prefixLength);
        }
    }

    /**
     * Parses {@code "address"} (one exact address) or {@code "address/prefix"}.
     *
     * <p>Host bits beyond the prefix are masked off, as Elasticsearch does. An IPv4-mapped IPv6
     * entry with a prefix of at least 96 is the corresponding IPv4 range, because IPv4 addresses
     * live in exactly that block; any other IPv6 entry stays IPv6-only.
     *
     * @throws IllegalArgumentException naming the entry and the reason
     */
    public static CidrRange parse(String entry) {
        if (entry == null) {
            throw new IllegalArgumentException("CIDR entry is null");
        }
        if (entry.indexOf('%') >= 0) {
            // A zone names an interface of one host; it has no meaning in a shared exclusion list.
            throw invalid(entry, "zone suffixes are not allowed");
        }
        int slash = entry.indexOf('/');
        if (slash >= 0 && entry.indexOf('/', slash + 1) >= 0) {
            throw invalid(entry, "more than one '/'");
        }
        String addressText = slash < 0 ? entry : entry.substring(0, slash);
        long[] address = new long[2];
        if (!IpLiteral.parse(addressText, address, 0)) {
            throw invalid(entry, "'" + addressText + "' is not an IP address literal");
        }
        long hi = address[0];
        long lo = address[1];
        boolean literalIsIpv6 = addressText.indexOf(':') >= 0;
        int spaceBits;
        if (slash < 0) {
            spaceBits = IPV6_BITS;
        } else {
            int prefix = parsePrefix(entry, slash + 1);
            int maxPrefix = literalIsIpv6 ? IPV6_BITS : IPV4_BITS;
            if (prefix > maxPrefix) {
                throw invalid(entry, "prefix length " + prefix + " exceeds " + maxPrefix);
            }
            spaceBits = literalIsIpv6 ? prefix : IPV4_OFFSET + prefix;
        }
        boolean ipv4 = IpLiteral.isIpv4(hi, lo) && spaceBits >= IPV4_OFFSET;
        hi &= ~hostMaskHi(spaceBits);
        lo &= ~hostMaskLo(spaceBits);
        return new CidrRange(ipv4, hi, lo, ipv4 ? spaceBits - IPV4_OFFSET : spaceBits);
    }

    /** High 64 bits of the last address in the range. */
    public long lastHi() {
        return networkHi | hostMaskHi(spacePrefix(ipv4, prefixLength));
    }

    /** Low 64 bits of the last address in the range. */
    public long lastLo() {
        return networkLo | hostMaskLo(spacePrefix(ipv4, prefixLength));
    }

    /** Family-aware membership: an IPv4 range never contains an IPv6 address, and the reverse. */
    public boolean contains(long hi, long lo) {
        if (ipv4 != IpLiteral.isIpv4(hi, lo)) {
            return false;
        }
        int bits = spacePrefix(ipv4, prefixLength);
        return (hi & ~hostMaskHi(bits)) == networkHi && (lo & ~hostMaskLo(bits)) == networkLo;
    }

    /**
     * Canonical text, e.g. {@code 10.0.0.0/8} or {@code fe80::/10}; parses back to an equal range.
     */
    @Override
    public String toString() {
        return IpLiteral.format(networkHi, networkLo) + "/" + prefixLength;
    }

    private static int spacePrefix(boolean ipv4, int prefixLength) {
        return ipv4 ? IPV4_OFFSET + prefixLength : prefixLength;
    }

    /** Host-part bits of the high word for a prefix of {@code bits} in the 128-bit space. */
    private static long hostMaskHi(int bits) {
        return bits >= 64 ? 0L : -1L >>> bits;
    }

    /** Host-part bits of the low word; Java masks shift counts to 6 bits, so /128 is special. */
    private static long hostMaskLo(int bits) {
        if (bits <= 64) {
            return -1L;
        }
        return bits == IPV6_BITS ? 0L : -1L >>> (bits - 64);
    }

    /**
     * 1-3 ASCII digits only: {@code Integer.parseInt} would also take signs and non-ASCII digits.
     */
    private static int parsePrefix(String entry, int start) {
        int length = entry.length() - start;
        if (length < 1 || length > 3) {
            throw invalid(entry, "prefix length must be 1 to 3 digits");
        }
        int prefix = 0;
        for (int i = start; i < entry.length(); i++) {
            char c = entry.charAt(i);
            if (c < '0' || c > '9') {
                throw invalid(entry, "prefix length must be 1 to 3 digits");
            }
            prefix = prefix * 10 + (c - '0');
        }
        return prefix;
    }

    private static IllegalArgumentException invalid(String entry, String reason) {
        return new IllegalArgumentException("invalid CIDR entry \"" + entry + "\": " + reason);
    }
}
