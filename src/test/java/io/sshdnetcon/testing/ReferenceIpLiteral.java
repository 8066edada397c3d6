package io.sshdnetcon.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The oracle's own IP literal parser and CIDR check ({@code docs/semantics.md}, "Destination
 * exclusions"; decision 6 in {@code ReferenceDetectorTest}). Written from scratch so the oracle
 * shares nothing with production; never touches {@code InetAddress}, which could do DNS.
 *
 * <p>Strict, Guava-like literals: IPv4 is four ASCII decimal parts without leading zeros; IPv6 is
 * hex groups with at most one {@code ::}, an optional trailing dotted quad, and an optional
 * non-empty {@code %zone} that is dropped. No whitespace anywhere. An IPv4-mapped IPv6 address
 * ({@code ::ffff:a.b.c.d}, in any spelling) is returned as the 4-byte IPv4 address, so IPv4 ranges
 * apply to it; every other IPv6 address keeps 16 bytes.
 */
final class ReferenceIpLiteral {

    private ReferenceIpLiteral() {}

    /**
     * Returns 4 bytes (IPv4, including IPv4-mapped IPv6) or 16 bytes (IPv6), or empty when not a
     * literal.
     */
    static Optional<byte[]> parse(String text) {
        String address = text;
        int percent = text.indexOf('%');
        if (percent >= 0) {
            if (!isValidZone(text.substring(percent + 1))) {
                return Optional.empty();
            }
            address = text.substring(0, percent);
            // A zone only makes sense on IPv6 (Guava rejects "1.2.3.4%eth0" too).
            if (address.indexOf(':') < 0) {
                return Optional.empty();
            }
        }
        if (address.indexOf(':') >= 0) {
            return parseIpv6(address).map(ReferenceIpLiteral::unmapIpv4);
        }
        return parseIpv4(address);
    }

    /**
     * Zone ids are interface names or numbers; we accept any non-empty run of visible ASCII except
     * '%'.
     */
    private static boolean isValidZone(String zone) {
        if (zone.isEmpty()) {
            return false;
        }
        for (int i = 0; i < zone.length(); i++) {
            char c = zone.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '%') {
                return false;
            }
        }
        return true;
    }

    static Optional<byte[]> parseIpv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return Optional.empty();
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            int octet = parseOctet(parts[i]);
            if (octet < 0) {
                return Optional.empty();
            }
            bytes[i] = (byte) octet;
        }
        return Optional.of(bytes);
    }

    private static int parseOctet(String part) {
        if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')) {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value <= 255 ? value : -1;
    }

    private static Optional<byte[]> parseIpv6(String text) {
        int skip = text.indexOf("::");
        if (skip >= 0 && text.indexOf("::", skip + 1) >= 0) {
            return Optional.empty(); // at most one "::" (this also rejects ":::")
        }
        List<String> head;
        List<String> tail;
        if (skip >= 0) {
            head = groups(text.substring(0, skip));
            tail = groups(text.substring(skip + 2));
        } else {
            head = groups(text);
            tail = List.of();
        }
        List<Integer> headValues = new ArrayList<>();
        List<Integer> tailValues = new ArrayList<>();
        // Without "::" the head is the whole address, so it may end in a dotted quad.
        if (!hexValues(head, skip < 0, headValues) || !hexValues(tail, true, tailValues)) {
            return Optional.empty();
        }
        int count = headValues.size() + tailValues.size();
        if (skip < 0 ? count != 8 : count > 7) {
            return Optional.empty(); // "::" must stand for at least one zero group
        }
        byte[] bytes = new byte[16];
        int index = 0;
        for (int value : headValues) {
            bytes[index++] = (byte) (value >>> 8);
            bytes[index++] = (byte) value;
        }
        index = 16 - 2 * tailValues.size();
        for (int value : tailValues) {
            bytes[index++] = (byte) (value >>> 8);
            bytes[index++] = (byte) value;
        }
        return Optional.of(bytes);
    }

    private static List<String> groups(String part) {
        return part.isEmpty() ? List.of() : Arrays.asList(part.split(":", -1));
    }

    /**
     * Converts hex groups to 16-bit values. A dotted quad is allowed only as the very last group of
     * the address ({@code lastOfAddress}) and counts as two groups.
     */
    private static boolean hexValues(
            List<String> groups, boolean lastOfAddress, List<Integer> out) {
        for (int i = 0; i < groups.size(); i++) {
            String group = groups.get(i);
            if (group.indexOf('.') >= 0) {
                if (!lastOfAddress || i != groups.size() - 1) {
                    return false;
                }
                Optional<byte[]> quad = parseIpv4(group);
                if (quad.isEmpty()) {
                    return false;
                }
                byte[] b = quad.get();
                out.add(((b[0] & 0xff) << 8) | (b[1] & 0xff));
                out.add(((b[2] & 0xff) << 8) | (b[3] & 0xff));
                continue;
            }
            if (group.isEmpty() || group.length() > 4) {
                return false;
            }
            int value = 0;
            for (int j = 0; j < group.length(); j++) {
                int digit = hexDigit(group.charAt(j));
                if (digit < 0) {
                    return false;
                }
                value = value * 16 + digit;
            }
            out.add(value);
        }
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

    /**
     * {@code ::ffff:a.b.c.d} is the IPv4 address; {@code ::a.b.c.d} (IPv4-compatible) stays IPv6.
     */
    private static byte[] unmapIpv4(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return bytes;
            }
        }
        if (bytes[10] != (byte) 0xff || bytes[11] != (byte) 0xff) {
            return bytes;
        }
        return Arrays.copyOfRange(bytes, 12, 16);
    }

    /**
     * One exclusion entry: an address with a prefix length; an entry without "/n" is one exact
     * address.
     */
    static final class Cidr {
        private final byte[] network;
        private final int prefixLength;

        private Cidr(byte[] network, int prefixLength) {
            this.network = network;
            this.prefixLength = prefixLength;
        }

        static Cidr parse(String entry) {
            int slash = entry.indexOf('/');
            String addressText = slash < 0 ? entry : entry.substring(0, slash);
            byte[] address =
                    ReferenceIpLiteral.parse(addressText)
                            .orElseThrow(
                                    () ->
                                            new IllegalArgumentException(
                                                    "not an IP literal in CIDR entry: " + entry));
            boolean writtenAsIpv6 = addressText.indexOf(':') >= 0;
            int maxBits = writtenAsIpv6 ? 128 : 32;
            int prefix = maxBits;
            if (slash >= 0) {
                String bits = entry.substring(slash + 1);
                if (!bits.matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(bits) > maxBits) {
                    throw new IllegalArgumentException("bad prefix length in CIDR entry: " + entry);
                }
                prefix = Integer.parseInt(bits);
            }
            if (writtenAsIpv6 && address.length == 4) {
                // An IPv4-mapped entry ("::ffff:10.0.0.0/104") is an IPv4 range, like the addresses
                // it matches.
                if (prefix < 96) {
                    throw new IllegalArgumentException(
                            "IPv4-mapped CIDR entry needs a prefix >= 96: " + entry);
                }
                prefix -= 96;
            }
            return new Cidr(address, prefix);
        }

        /** IPv4 entries match only 4-byte addresses and IPv6 entries only 16-byte ones. */
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int fullBytes = prefixLength / 8;
            for (int i = 0; i < fullBytes; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int remainingBits = prefixLength % 8;
            if (remainingBits == 0) {
                return true;
            }
            int mask = (0xff << (8 - remainingBits)) & 0xff;
            return (address[fullBytes] & mask) == (network[fullBytes] & mask);
        }
    }
}
