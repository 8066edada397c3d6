package io.sshdnetcon.rule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.StringJoiner;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddressRangesTest {

    /**
     * The rule's cidrmatch list, in the rule's order, plus the {@code destination.ip == "0.0.0.0"}
     * test.
     */
    private static final List<String> RULE_DEFAULTS =
            List.of(
                    "10.0.0.0/8",
                    "127.0.0.0/8",
                    "169.254.0.0/16",
                    "172.16.0.0/12",
                    "192.0.0.0/24",
                    "192.0.0.0/29",
                    "192.0.0.8/32",
                    "192.0.0.9/32",
                    "192.0.0.10/32",
                    "192.0.0.170/32",
                    "192.0.0.171/32",
                    "192.0.2.0/24",
                    "192.31.196.0/24",
                    "192.52.193.0/24",
                    "192.168.0.0/16",
                    "192.88.99.0/24",
                    "224.0.0.0/4",
                    "100.64.0.0/10",
                    "192.175.48.0/24",
                    "198.18.0.0/15",
                    "198.51.100.0/24",
                    "203.0.113.0/24",
                    "240.0.0.0/4",
                    "::1",
                    "FE80::/10",
                    "FF00::/8",
                    "172.31.0.0/16",
                    "0.0.0.0");

    private static final AddressRanges DEFAULTS = AddressRanges.of(RULE_DEFAULTS);

    private static long[] ip(String text) {
        long[] out = new long[2];
        assertThat(IpLiteral.parse(text, out, 0)).as("parse(\"%s\")", text).isTrue();
        return out;
    }

    private static boolean excludedByDefaults(String text) {
        long[] address = ip(text);
        return DEFAULTS.contains(address[0], address[1]);
    }

    @Test
    void defaultsHaveTwentyEightEntriesMergedIntoTwentyIntervals() {
        assertThat(RULE_DEFAULTS).hasSize(28).doesNotHaveDuplicates();
        // IPv4: 0.0.0.0, 10/8, 100.64/10, 127/8, 169.254/16, 172.16/12 (holds 172.31/16),
        // 192.0.0/24 (holds the
        // /29 and the /32s), 192.0.2/24, 192.31.196/24, 192.52.193/24, 192.88.99/24, 192.168/16,
        // 192.175.48/24,
        // 198.18/15, 198.51.100/24, 203.0.113/24, 224/4 + 240/4 (adjacent) = 17. IPv6: ::1,
        // fe80::/10, ff00::/8.
        assertThat(DEFAULTS.intervalCount()).isEqualTo(20);
    }

    /**
     * Every default entry: its first and last address are excluded; the addresses just outside it
     * are excluded only where another default covers them. Neighbours are in the shared 128-bit
     * space, so below 0.0.0.0 is the IPv6 address ::fffe:ffff:ffff and above 255.255.255.255 is
     * ::1:0:0:0; "-" means none.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
                    10.0.0.0/8      | 10.0.0.0     | 10.255.255.255  | 9.255.255.255    | false | 11.0.0.0      | false
                    127.0.0.0/8     | 127.0.0.0    | 127.255.255.255 | 126.255.255.255  | false | 128.0.0.0     | false
                    169.254.0.0/16  | 169.254.0.0  | 169.254.255.255 | 169.253.255.255  | false | 169.255.0.0   | false
                    172.16.0.0/12   | 172.16.0.0   | 172.31.255.255  | 172.15.255.255   | false | 172.32.0.0    | false
                    192.0.0.0/24    | 192.0.0.0    | 192.0.0.255     | 191.255.255.255  | false | 192.0.1.0     | false
                    192.0.0.0/29    | 192.0.0.0    | 192.0.0.7       | 191.255.255.255  | false | 192.0.0.8     | true
                    192.0.0.8/32    | 192.0.0.8    | 192.0.0.8       | 192.0.0.7        | true  | 192.0.0.9     | true
                    192.0.0.9/32    | 192.0.0.9    | 192.0.0.9       | 192.0.0.8        | true  | 192.0.0.10    | true
                    192.0.0.10/32   | 192.0.0.10   | 192.0.0.10      | 192.0.0.9        | true  | 192.0.0.11    | true
                    192.0.0.170/32  | 192.0.0.170  | 192.0.0.170     | 192.0.0.169      | true  | 192.0.0.171   | true
                    192.0.0.171/32  | 192.0.0.171  | 192.0.0.171     | 192.0.0.170      | true  | 192.0.0.172   | true
                    192.0.2.0/24    | 192.0.2.0    | 192.0.2.255     | 192.0.1.255      | false | 192.0.3.0     | false
                    192.31.196.0/24 | 192.31.196.0 | 192.31.196.255  | 192.31.195.255   | false | 192.31.197.0  | false
                    192.52.193.0/24 | 192.52.193.0 | 192.52.193.255  | 192.52.192.255   | false | 192.52.194.0  | false
                    192.168.0.0/16  | 192.168.0.0  | 192.168.255.255 | 192.167.255.255  | false | 192.169.0.0   | false
                    192.88.99.0/24  | 192.88.99.0  | 192.88.99.255   | 192.88.98.255    | false | 192.88.100.0  | false
                    224.0.0.0/4     | 224.0.0.0    | 239.255.255.255 | 223.255.255.255  | false | 240.0.0.0     | true
                    100.64.0.0/10   | 100.64.0.0   | 100.127.255.255 | 100.63.255.255   | false | 100.128.0.0   | false
                    192.175.48.0/24 | 192.175.48.0 | 192.175.48.255  | 192.175.47.255   | false | 192.175.49.0  | false
                    198.18.0.0/15   | 198.18.0.0   | 198.19.255.255  | 198.17.255.255   | false | 198.20.0.0    | false
                    198.51.100.0/24 | 198.51.100.0 | 198.51.100.255  | 198.51.99.255    | false | 198.51.101.0  | false
                    203.0.113.0/24  | 203.0.113.0  | 203.0.113.255   | 203.0.112.255    | false | 203.0.114.0   | false
                    240.0.0.0/4     | 240.0.0.0    | 255.255.255.255 | 239.255.255.255  | true  | ::1:0:0:0     | false
                    ::1             | ::1          | ::1             | ::               | false | ::2           | false
                    FE80::/10       | fe80::       | febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff | fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff | false | fec0:: | false
                    FF00::/8        | ff00::       | ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff | feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff | false | -      | false
                    172.31.0.0/16   | 172.31.0.0   | 172.31.255.255  | 172.30.255.255   | true  | 172.32.0.0    | false
                    0.0.0.0         | 0.0.0.0      | 0.0.0.0         | ::fffe:ffff:ffff | false | 0.0.0.1       | false
                    """)
    void everyDefaultEntryHasExactBoundaries(
            String entry,
            String first,
            String last,
            String below,
            boolean belowExcluded,
            String above,
            boolean aboveExcluded) {
        CidrRange range = CidrRange.parse(entry);
        assertThat(new long[] {range.networkHi(), range.networkLo()})
                .as("first")
                .containsExactly(ip(first));
        assertThat(new long[] {range.lastHi(), range.lastLo()})
                .as("last")
                .containsExactly(ip(last));

        assertThat(range.contains(ip(first)[0], ip(first)[1])).isTrue();
        assertThat(range.contains(ip(last)[0], ip(last)[1])).isTrue();
        assertThat(range.contains(ip(below)[0], ip(below)[1])).isFalse();

        assertThat(excludedByDefaults(first)).as(first).isTrue();
        assertThat(excludedByDefaults(last)).as(last).isTrue();
        assertThat(excludedByDefaults(below)).as(below).isEqualTo(belowExcluded);
        if (!above.equals("-")) {
            assertThat(excludedByDefaults(above)).as(above).isEqualTo(aboveExcluded);
        }
        assertThat(RULE_DEFAULTS).contains(entry);
    }

    @ParameterizedTest(name = "{0} excluded={1}")
    @CsvSource({
        "172.32.0.1, false",
        "172.31.255.255, true",
        "100.128.0.1, false",
        "::ffff:10.0.0.1, true",
        "::FFFF:a00:1, true",
        "fe80::1%eth0, true",
        "2001:4860:4860::8888, false",
        "0.0.0.0, true",
        "::ffff:0.0.0.0, true",
        "0.0.0.1, false",
        "::10.0.0.1, false",
        "::, false",
        "::1, true",
        "::ffff:127.0.0.1, true",
        "::127.0.0.1, false",
        "8.8.8.8, false",
        "1.1.1.1, false",
        "255.255.255.255, true",
        "ff02::1, true",
        "febf::1, true",
        "fec0::1, false",
        "64:ff9b::10.0.0.1, false",
    })
    void specExamples(String address, boolean excluded) {
        assertThat(excludedByDefaults(address)).isEqualTo(excluded);
    }

    @Test
    void anIpv6RangeNeverMatchesAnIpv4AddressAndTheReverse() {
        AddressRanges allIpv6 = AddressRanges.of(List.of("::/0"));
        AddressRanges allIpv4 = AddressRanges.of(List.of("0.0.0.0/0"));
        long[] ipv4 = ip("8.8.8.8");
        long[] ipv6 = ip("2001:db8::1");

        assertThat(allIpv6.contains(ipv4[0], ipv4[1])).isFalse();
        assertThat(allIpv6.contains(ipv6[0], ipv6[1])).isTrue();
        assertThat(allIpv4.contains(ipv6[0], ipv6[1])).isFalse();
        assertThat(allIpv4.contains(ipv4[0], ipv4[1])).isTrue();

        // Numeric neighbours of the mapped block are IPv6, so the whole IPv4 space must not reach
        // them.
        for (String outside : List.of("::", "::fffe:ffff:ffff", "::1:0:0:0", "::a00:1")) {
            long[] address = ip(outside);
            assertThat(allIpv4.contains(address[0], address[1])).as(outside).isFalse();
            assertThat(allIpv6.contains(address[0], address[1])).as(outside).isTrue();
        }
        // An IPv6 range that numerically covers the mapped block still does not match IPv4.
        AddressRanges aroundMappedBlock = AddressRanges.of(List.of("::/64", "::ffff:0:0/95"));
        assertThat(aroundMappedBlock.contains(ipv4[0], ipv4[1])).isFalse();
        assertThat(aroundMappedBlock.contains(ip("::fffe:0:1")[0], ip("::fffe:0:1")[1])).isTrue();
    }

    @Test
    void noneContainsNothing() {
        for (String text :
                List.of(
                        "0.0.0.0",
                        "10.0.0.1",
                        "::",
                        "::1",
                        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")) {
            long[] address = ip(text);
            assertThat(AddressRanges.none().contains(address[0], address[1])).isFalse();
        }
        assertThat(AddressRanges.none().intervalCount()).isZero();
        assertThat(AddressRanges.of(List.of()).intervalCount()).isZero();
    }

    @ParameterizedTest(name = "{0} -> {1} intervals")
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
                    10.0.0.0/25 10.0.0.128/25                                    | 1
                    10.0.0.0/25 10.0.1.0/25                                      | 2
                    10.0.0.0/8 10.1.0.0/16 10.1.2.3                              | 1
                    10.0.0.0/8 10.0.0.0/8 10.255.0.0/16                          | 1
                    9.255.255.255 10.0.0.0/8 11.0.0.0                            | 1
                    9.255.255.254 10.0.0.0/8                                     | 2
                    0.0.0.0/0 255.255.255.255 0.0.0.0                            | 1
                    255.255.255.255 255.255.255.254                              | 1
                    ::/0 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff                 | 1
                    ::/1 8000::/1                                                | 1
                    ::ffff:ffff:ffff:ffff ::1:0:0:0:0                            | 1
                    0:0:0:0:8000::/65 0:0:0:1::/64                               | 1
                    ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff | 1
                    ::/0 0.0.0.0/0                                               | 2
                    ::ffff:0:0/96 0.0.0.0/0                                      | 1
                    ::ffff:0:0/95 0.0.0.0/0                                      | 2
                    ::fffe:ffff:ffff 0.0.0.0                                     | 2
                    """)
    void mergesOverlappingNestedAndAdjacentRanges(String entries, int intervals) {
        assertThat(AddressRanges.of(Arrays.asList(entries.split(" "))).intervalCount())
                .isEqualTo(intervals);
    }

    // ---- CidrRange parsing
    // -------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
        "10.0.0.0/8, 10.0.0.0/8, true",
        "10.1.2.3/8, 10.0.0.0/8, true",
        "10.0.0.1, 10.0.0.1/32, true",
        "0.0.0.0, 0.0.0.0/32, true",
        "0.0.0.0/0, 0.0.0.0/0, true",
        "255.255.255.255/1, 128.0.0.0/1, true",
        "10.0.0.0/08, 10.0.0.0/8, true",
        "::ffff:10.0.0.0/104, 10.0.0.0/8, true",
        "::FFFF:A00:0/104, 10.0.0.0/8, true",
        "::ffff:10.0.0.1, 10.0.0.1/32, true",
        "::ffff:10.0.0.0/96, 0.0.0.0/0, true",
        "::ffff:10.0.0.0/95, ::fffe:0:0/95, false",
        "::10.0.0.0/104, ::a00:0/104, false",
        "::/0, ::/0, false",
        "::1, ::1/128, false",
        "::, ::/128, false",
        "FE80::/10, fe80::/10, false",
        "fe80::/10, fe80::/10, false",
        "FE80::1/10, fe80::/10, false",
        "FF00::/8, ff00::/8, false",
        "2001:db8::ffff:1.2.3.4/128, 2001:db8::ffff:102:304/128, false",
        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/127, ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127,"
                + " false",
        "2001:db8:1234:5678:9abc:def0:1234:5678/64, 2001:db8:1234:5678::/64, false",
        "2001:db8:1234:5678:9abc:def0:1234:5678/65, 2001:db8:1234:5678:8000::/65, false",
        "2001:db8:1234:5678:9abc:def0:1234:5678/63, 2001:db8:1234:5678::/63, false",
    })
    void parsesEntries(String entry, String canonical, boolean ipv4) {
        CidrRange range = CidrRange.parse(entry);
        assertThat(range.toString()).isEqualTo(canonical);
        assertThat(range.ipv4()).isEqualTo(ipv4);
        assertThat(CidrRange.parse(canonical)).isEqualTo(range);
    }

    @Test
    void hexCaseAndMappedSpellingsDoNotMatter() {
        assertThat(CidrRange.parse("FE80::/10")).isEqualTo(CidrRange.parse("fe80::/10"));
        assertThat(CidrRange.parse("::ffff:10.0.0.0/104")).isEqualTo(CidrRange.parse("10.0.0.0/8"));
        assertThat(CidrRange.parse("::ffff:10.0.0.1")).isEqualTo(CidrRange.parse("10.0.0.1/32"));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(
            strings = {
                "10.0.0.0/33",
                "::/129",
                "10.0.0.0/",
                "/8",
                "10.0.0.0/8/8",
                "10.0.0.0/-1",
                "10.0.0.0/ 8",
                "fe80::%eth0/10",
                "banana",
                "",
                "/",
                "10.0.0.0/+8",
                "10.0.0.0/0008",
                "10.0.0.0/1e1",
                "10.0.0.0 /8",
                " 10.0.0.0/8",
                "10.0.0.0/8 ",
                "010.0.0.0/8",
                "fe80::1%eth0",
                "::ffff:10.0.0.0/129",
                "[::1]/128",
                "10.0.0/8",
                "10.0.0.0/\uff18",
                "::1/1000"
            })
    void rejectsBadEntriesNamingThem(String entry) {
        assertThatThrownBy(() -> CidrRange.parse(entry))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"" + entry + "\"");
        assertThatThrownBy(() -> AddressRanges.of(List.of("10.0.0.0/8", entry, "also bad")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"" + entry + "\"");
    }

    @Test
    void rejectsANullEntry() {
        assertThatThrownBy(() -> AddressRanges.of(Arrays.asList("10.0.0.0/8", null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("null");
    }

    @Test
    void theRecordRefusesInconsistentComponents() {
        long mapped10 = IpLiteral.IPV4_MAPPED_PREFIX | 0x0A00_0000L;
        assertThat(new CidrRange(true, 0, mapped10, 8)).isEqualTo(CidrRange.parse("10.0.0.0/8"));
        assertThatThrownBy(() -> new CidrRange(true, 0, mapped10, 33))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CidrRange(true, 0, mapped10 | 1, 8))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CidrRange(true, 0, 1, 32))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CidrRange(false, 0, mapped10, 128))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CidrRange(false, 0, 1, -1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---- Randomized comparison with a brute-force BigInteger reference
    // ---------------------------------------

    private static final BigInteger MAX = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);
    private static final BigInteger MAPPED_BASE = BigInteger.valueOf(0xFFFFL).shiftLeft(32);

    /**
     * The contract restated independently: a range is IPv4 iff it lies in the mapped block with
     * prefix >= 96.
     */
    private record ReferenceRange(boolean ipv4, BigInteger first, BigInteger last) {
        static ReferenceRange of(BigInteger address, int prefix128) {
            BigInteger host = BigInteger.ONE.shiftLeft(128 - prefix128).subtract(BigInteger.ONE);
            BigInteger first = address.andNot(host);
            return new ReferenceRange(isIpv4(first) && prefix128 >= 96, first, first.or(host));
        }

        boolean contains(BigInteger address) {
            return ipv4 == isIpv4(address)
                    && first.compareTo(address) <= 0
                    && address.compareTo(last) <= 0;
        }
    }

    private static boolean isIpv4(BigInteger address) {
        return address.shiftRight(32).equals(BigInteger.valueOf(0xFFFFL));
    }

    /**
     * Generates ranges crowded around a few bases so they overlap, nest and touch, in every entry
     * spelling.
     */
    private static final class RangeGenerator {
        private static final BigInteger[] BASES = {
            BigInteger.ZERO,
            MAPPED_BASE,
            MAPPED_BASE.add(BigInteger.valueOf(0x0A00_0000L)),
            MAPPED_BASE.add(BigInteger.valueOf(0xC0A8_0000L)),
            MAPPED_BASE.add(BigInteger.valueOf(0xFFFF_FF00L)),
            MAPPED_BASE.subtract(BigInteger.valueOf(0x100L)),
            MAPPED_BASE.shiftLeft(1),
            new BigInteger("20010db8000000000000000000000000", 16),
            new BigInteger("fe800000000000000000000000000000", 16),
            MAX.subtract(BigInteger.valueOf(0xFFFFL)),
        };

        private final Random random;
        private final List<BigInteger> addresses = new ArrayList<>();
        private final List<Integer> prefixes = new ArrayList<>();

        RangeGenerator(long seed) {
            random = new Random(seed);
        }

        /**
         * Returns the entry text and records the reference range it denotes in {@code references}.
         */
        String next(List<ReferenceRange> references) {
            BigInteger address;
            int prefix;
            if (!addresses.isEmpty() && random.nextInt(5) == 0) {
                int earlier = random.nextInt(addresses.size());
                address = addresses.get(earlier);
                prefix = prefixes.get(earlier);
                switch (random.nextInt(3)) {
                    case 0 -> { // the sibling block: adjacent on one side
                        if (prefix > 0) {
                            address = address.flipBit(128 - prefix);
                        }
                    }
                    case 1 -> prefix = Math.min(128, prefix + 1 + random.nextInt(8)); // nested
                    default -> { // the block right after: adjacent, different size
                        address =
                                ReferenceRange.of(address, prefix)
                                        .last()
                                        .add(BigInteger.ONE)
                                        .and(MAX);
                        prefix = Math.max(prefix - 4, 0) + random.nextInt(9);
                        prefix = Math.min(prefix, 128);
                    }
                }
            } else {
                address = randomAddress(random);
                prefix =
                        isIpv4(address) && random.nextInt(10) != 0
                                ? 96 + skewedPrefix(32)
                                : skewedPrefix(128);
            }
            addresses.add(address);
            prefixes.add(prefix);
            references.add(ReferenceRange.of(address, prefix));
            return spell(address, prefix);
        }

        /** Mostly long prefixes (small ranges), sometimes short ones that swallow many others. */
        private int skewedPrefix(int bits) {
            int shortening =
                    random.nextInt(4) == 0
                            ? random.nextInt(bits + 1)
                            : random.nextInt(Math.min(bits, 12) + 1);
            return bits - shortening;
        }

        private String spell(BigInteger address, int prefix) {
            if (isIpv4(address) && prefix >= 96) {
                long ipv4 = address.longValue() & 0xFFFF_FFFFL;
                String dotted =
                        ((ipv4 >>> 24) & 0xFF)
                                + "."
                                + ((ipv4 >>> 16) & 0xFF)
                                + "."
                                + ((ipv4 >>> 8) & 0xFF)
                                + "."
                                + (ipv4 & 0xFF);
                return switch (random.nextInt(5)) {
                    case 0 ->
                            prefix == 128 && random.nextBoolean()
                                    ? dotted
                                    : dotted + "/" + (prefix - 96);
                    case 1 -> "::ffff:" + dotted + "/" + prefix;
                    case 2 ->
                            String.format(
                                    Locale.ROOT,
                                    "::FFFF:%X:%X/%d",
                                    ipv4 >>> 16,
                                    ipv4 & 0xFFFF,
                                    prefix);
                    case 3 ->
                            prefix == 128
                                    ? "::ffff:" + dotted
                                    : "0:0:0:0:0:ffff:" + dotted + "/" + prefix;
                    default -> fullHex(address) + "/" + prefix;
                };
            }
            String hex = fullHex(address);
            if (random.nextBoolean()) {
                hex = hex.toUpperCase(Locale.ROOT);
            }
            return prefix == 128 && random.nextBoolean() ? hex : hex + "/" + prefix;
        }
    }

    private static String fullHex(BigInteger address) {
        StringJoiner groups = new StringJoiner(":");
        for (int group = 7; group >= 0; group--) {
            groups.add(Integer.toHexString(address.shiftRight(16 * group).intValue() & 0xFFFF));
        }
        return groups.toString();
    }

    private static BigInteger randomAddress(Random random) {
        if (random.nextInt(10) == 0) {
            return new BigInteger(128, random);
        }
        BigInteger base = RangeGenerator.BASES[random.nextInt(RangeGenerator.BASES.length)];
        BigInteger offset =
                new BigInteger(1 + random.nextInt(random.nextInt(4) == 0 ? 64 : 24), random);
        return (random.nextBoolean() ? base.add(offset) : base.subtract(offset)).and(MAX);
    }

    private static long[] split(BigInteger address) {
        return new long[] {address.shiftRight(64).longValue(), address.longValue()};
    }

    private static int referenceIntervalCount(List<ReferenceRange> references) {
        int count = 0;
        for (boolean ipv4 : new boolean[] {true, false}) {
            List<ReferenceRange> family =
                    references.stream()
                            .filter(range -> range.ipv4() == ipv4)
                            .sorted(Comparator.comparing(ReferenceRange::first))
                            .toList();
            BigInteger end = null;
            for (ReferenceRange range : family) {
                if (end == null || range.first().compareTo(end.add(BigInteger.ONE)) > 0) {
                    count++;
                    end = range.last();
                } else {
                    end = end.max(range.last());
                }
            }
        }
        return count;
    }

    @ParameterizedTest(name = "seed {0}, {1} ranges")
    @CsvSource({"1, 1", "2, 5", "3, 40", "4, 300", "5, 2000", "6, 3000", "7, 3000"})
    void agreesWithBruteForce(long seed, int rangeCount) {
        RangeGenerator generator = new RangeGenerator(seed);
        List<ReferenceRange> references = new ArrayList<>();
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < rangeCount; i++) {
            entries.add(generator.next(references));
        }
        AddressRanges ranges = AddressRanges.of(entries);
        assertThat(ranges.intervalCount()).isEqualTo(referenceIntervalCount(references));

        List<BigInteger> probes = new ArrayList<>();
        for (ReferenceRange range : references) {
            probes.add(range.first());
            probes.add(range.last());
            probes.add(range.first().subtract(BigInteger.ONE));
            probes.add(range.last().add(BigInteger.ONE));
        }
        Random random = new Random(seed * 31);
        for (int i = 0; i < 2000; i++) {
            probes.add(randomAddress(random));
        }
        int excluded = 0;
        for (BigInteger probe : probes) {
            if (probe.signum() < 0 || probe.compareTo(MAX) > 0) {
                continue;
            }
            boolean expected = references.stream().anyMatch(range -> range.contains(probe));
            long[] address = split(probe);
            if (ranges.contains(address[0], address[1]) != expected) {
                Assertions.fail(
                        "address "
                                + IpLiteral.format(address[0], address[1])
                                + " expected contained="
                                + expected
                                + " with entries "
                                + (entries.size() <= 40 ? entries : entries.size() + " entries"));
            }
            excluded += expected ? 1 : 0;
        }
        // Both outcomes must be exercised, or the comparison proves little.
        assertThat(excluded).isPositive().isLessThan(probes.size());
    }

    @Test
    void handlesOneHundredThousandEntries() {
        RangeGenerator generator = new RangeGenerator(100_000L);
        List<ReferenceRange> references = new ArrayList<>();
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            entries.add(generator.next(references));
        }
        AddressRanges ranges =
                Assertions.assertTimeout(Duration.ofSeconds(20), () -> AddressRanges.of(entries));
        assertThat(ranges.intervalCount()).isEqualTo(referenceIntervalCount(references));

        for (ReferenceRange range : references) {
            long[] first = split(range.first());
            long[] last = split(range.last());
            assertThat(ranges.contains(first[0], first[1])).isTrue();
            assertThat(ranges.contains(last[0], last[1])).isTrue();
        }
        Random random = new Random(7L);
        for (int i = 0; i < 300; i++) {
            BigInteger probe = randomAddress(random);
            boolean expected = references.stream().anyMatch(range -> range.contains(probe));
            long[] address = split(probe);
            assertThat(ranges.contains(address[0], address[1]))
                    .as(probe.toString(16))
                    .isEqualTo(expected);
        }
        // A linear scan would need ~10^11 steps here; a binary search finishes in milliseconds.
        long[][] lookups = new long[1024][];
        for (int i = 0; i < lookups.length; i++) {
            lookups[i] = split(randomAddress(random));
        }
        Assertions.assertTimeout(
                Duration.ofSeconds(20),
                () -> {
                    int hits = 0;
                    for (int i = 0; i < 1_000_000; i++) {
                        long[] address = lookups[i & 1023];
                        hits += ranges.contains(address[0], address[1]) ? 1 : 0;
                    }
                    assertThat(hits).isBetween(0, 1_000_000);
                });
    }

    @Test
    void coverageOfAWholeFamily() {
        assertThat(DEFAULTS.coversAllIpv4()).isFalse();
        assertThat(DEFAULTS.coversAllIpv6()).isFalse();
        assertThat(AddressRanges.of(List.of("0.0.0.0/1", "128.0.0.0/1")).coversAllIpv4()).isTrue();
        assertThat(AddressRanges.of(List.of("0.0.0.0/1", "128.0.0.0/1")).coversAllIpv6()).isFalse();
        assertThat(
                        AddressRanges.of(List.of("0.0.0.0/1", "128.0.0.0/1", "255.255.255.255"))
                                .coversAllIpv4())
                .isTrue();
        assertThat(
                        AddressRanges.of(List.of("0.0.0.0/1", "128.0.0.0/2", "192.0.0.0/2"))
                                .coversAllIpv4())
                .isTrue();
        assertThat(
                        AddressRanges.of(List.of("0.0.0.0/1", "128.0.0.0/2", "192.0.0.0/3"))
                                .coversAllIpv4())
                .isFalse();
        assertThat(
                        AddressRanges.of(List.of("0.0.0.1/32", "0.0.0.2/31", "0.0.0.4/30"))
                                .coversAllIpv4())
                .isFalse();
        // ::/0 covers every IPv6 address, but no IPv4 one (::ffff:a.b.c.d is IPv4).
        assertThat(AddressRanges.of(List.of("::/0")).coversAllIpv6()).isTrue();
        assertThat(AddressRanges.of(List.of("::/0")).coversAllIpv4()).isFalse();
        assertThat(AddressRanges.of(List.of("::ffff:0:0/96")).coversAllIpv4()).isTrue();
        assertThat(AddressRanges.of(List.of("::/1", "8000::/1")).coversAllIpv6()).isTrue();
        assertThat(AddressRanges.of(List.of("::/1", "8000::/2", "c000::/2")).coversAllIpv6())
                .isTrue();
        assertThat(AddressRanges.of(List.of("::/1", "8000::/2")).coversAllIpv6()).isFalse();
        assertThat(
                        AddressRanges.of(List.of("::/1", "8000::/2", "c000::/3", "e000::/3"))
                                .coversAllIpv6())
                .isTrue();
        assertThat(
                        AddressRanges.of(List.of("::/1", "8000::/2", "c000::/3", "e000::/4"))
                                .coversAllIpv6())
                .as("f000::/4 left out")
                .isFalse();
        assertThat(AddressRanges.none().coversAllIpv4()).isFalse();
        assertThat(AddressRanges.none().coversAllIpv6()).isFalse();
    }
}
