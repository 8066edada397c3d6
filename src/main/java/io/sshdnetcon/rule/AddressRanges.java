package io.sshdnetcon.rule;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * An immutable set of IP ranges answering "is this address excluded?" in O(log n) without
 * allocating.
 *
 * <p>Ranges are merged per family into sorted, disjoint, non-adjacent intervals, so a lookup is one
 * binary search whatever the number of (possibly overlapping) entries. IPv4 intervals are kept as
 * plain 32-bit values in longs, which sort correctly with signed comparisons; IPv6 intervals are
 * 128-bit and compared unsigned. The families are kept apart because an IPv4 range must never match
 * an IPv6 address, and the reverse.
 */
public final class AddressRanges {

    private static final AddressRanges NONE =
            new AddressRanges(
                    new Intervals(new long[0], new long[0]),
                    new Intervals(new long[0], new long[0]));

    private static final Comparator<CidrRange> BY_FIRST_ADDRESS =
            (a, b) -> {
                int byHi = Long.compareUnsigned(a.networkHi(), b.networkHi());
                return byHi != 0 ? byHi : Long.compareUnsigned(a.networkLo(), b.networkLo());
            };

    /** Low words of the first and last address of ::ffff:0:0/96 (the high word is 0). */
    private static final long MAPPED_FIRST_LO = 0x0000_FFFF_0000_0000L;

    private static final long MAPPED_LAST_LO = 0x0000_FFFF_FFFF_FFFFL;

    private final long[] ipv4Firsts;
    private final long[] ipv4Lasts;

    /** Interleaved (hi, lo) pairs: element 2i is the high word of interval i. */
    private final long[] ipv6Firsts;

    private final long[] ipv6Lasts;

    private AddressRanges(Intervals ipv4, Intervals ipv6) {
        this.ipv4Firsts = ipv4.firsts();
        this.ipv4Lasts = ipv4.lasts();
        this.ipv6Firsts = ipv6.firsts();
        this.ipv6Lasts = ipv6.lasts();
    }

    /** Merged interval bounds; for IPv6 each bound takes two consecutive elements (hi, lo). */
    private record Intervals(long[] firsts, long[] lasts) {}

    /** The empty set: contains nothing. */
    public static AddressRanges none() {
        return NONE;
    }

    /**
     * Builds the set from entries in {@link CidrRange#parse} syntax.
     *
     * @throws IllegalArgumentException for the first entry that does not parse, naming it
     */
    public static AddressRanges of(Collection<String> entries) {
        List<CidrRange> ipv4 = new ArrayList<>();
        List<CidrRange> ipv6 = new ArrayList<>();
        for (String entry : entries) {
            CidrRange range = CidrRange.parse(entry);
            (range.ipv4() ? ipv4 : ipv6).add(range);
        }
        ipv4.sort(BY_FIRST_ADDRESS);
        ipv6.sort(BY_FIRST_ADDRESS);
        return new AddressRanges(mergeIpv4(ipv4), mergeIpv6(ipv6));
    }

    /**
     * Whether the address (as produced by {@link IpLiteral#parse}) lies in a range of its own
     * family.
     */
    public boolean contains(long hi, long lo) {
        if (IpLiteral.isIpv4(hi, lo)) {
            return containsIpv4(lo & 0xFFFF_FFFFL);
        }
        return containsIpv6(hi, lo);
    }

    /** Whether every IPv4 address is in the set. */
    public boolean coversAllIpv4() {
        return ipv4Firsts.length == 1 && ipv4Firsts[0] == 0 && ipv4Lasts[0] == 0xFFFF_FFFFL;
    }

    /**
     * Whether every IPv6 address is in the set. The IPv4-mapped block (::ffff:0:0/96) is left out:
     * its addresses are IPv4 addresses ({@link IpLiteral#isIpv4}), which IPv6 ranges never match.
     */
    public boolean coversAllIpv6() {
        return coversIpv6(0, 0, 0, MAPPED_FIRST_LO - 1)
                && coversIpv6(0, MAPPED_LAST_LO + 1, -1L, -1L);
    }

    /** Number of disjoint intervals left after merging, over both families. */
    public int intervalCount() {
        return ipv4Firsts.length + ipv6Firsts.length / 2;
    }

    @Override
    public String toString() {
        return "AddressRanges["
                + ipv4Firsts.length
                + " IPv4 and "
                + ipv6Firsts.length / 2
                + " IPv6 intervals]";
    }

    private boolean containsIpv4(long address) {
        // Find the last interval starting at or before the address; only it can contain it.
        int low = 0;
        int high = ipv4Firsts.length - 1;
        int candidate = -1;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            if (ipv4Firsts[middle] <= address) {
                candidate = middle;
                low = middle + 1;
            } else {
                high = middle - 1;
            }
        }
        return candidate >= 0 && address <= ipv4Lasts[candidate];
    }

    private boolean containsIpv6(long hi, long lo) {
        int low = 0;
        int high = ipv6Firsts.length / 2 - 1;
        int candidate = -1;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            if (compare(ipv6Firsts[2 * middle], ipv6Firsts[2 * middle + 1], hi, lo) <= 0) {
                candidate = middle;
                low = middle + 1;
            } else {
                high = middle - 1;
            }
        }
        return candidate >= 0
                && compare(hi, lo, ipv6Lasts[2 * candidate], ipv6Lasts[2 * candidate + 1]) <= 0;
    }

    /**
     * Merged intervals are disjoint and not adjacent, so one interval must hold the whole range.
     */
    private boolean coversIpv6(long firstHi, long firstLo, long lastHi, long lastLo) {
        for (int i = 0; i < ipv6Firsts.length / 2; i++) {
            if (compare(ipv6Firsts[2 * i], ipv6Firsts[2 * i + 1], firstHi, firstLo) <= 0
                    && compare(ipv6Lasts[2 * i], ipv6Lasts[2 * i + 1], lastHi, lastLo) >= 0) {
                return true;
            }
        }
        return false;
    }

    private static Intervals mergeIpv4(List<CidrRange> sortedRanges) {
        long[] firsts = new long[sortedRanges.size()];
        long[] lasts = new long[sortedRanges.size()];
        int count = 0;
        for (CidrRange range : sortedRanges) {
            long first = range.networkLo() & 0xFFFF_FFFFL;
            long last = range.lastLo() & 0xFFFF_FFFFL;
            // No overflow: the values are 32-bit, so last + 1 fits in a long.
            if (count > 0 && first <= lasts[count - 1] + 1) {
                lasts[count - 1] = Math.max(lasts[count - 1], last);
            } else {
                firsts[count] = first;
                lasts[count] = last;
                count++;
            }
        }
        return new Intervals(Arrays.copyOf(firsts, count), Arrays.copyOf(lasts, count));
    }

    private static Intervals mergeIpv6(List<CidrRange> sortedRanges) {
        long[] firsts = new long[2 * sortedRanges.size()];
        long[] lasts = new long[2 * sortedRanges.size()];
        int count = 0;
        for (CidrRange range : sortedRanges) {
            long firstHi = range.networkHi();
            long firstLo = range.networkLo();
            long lastHi = range.lastHi();
            long lastLo = range.lastLo();
            if (count > 0
                    && touches(lasts[2 * count - 2], lasts[2 * count - 1], firstHi, firstLo)) {
                if (compare(lastHi, lastLo, lasts[2 * count - 2], lasts[2 * count - 1]) > 0) {
                    lasts[2 * count - 2] = lastHi;
                    lasts[2 * count - 1] = lastLo;
                }
            } else {
                firsts[2 * count] = firstHi;
                firsts[2 * count + 1] = firstLo;
                lasts[2 * count] = lastHi;
                lasts[2 * count + 1] = lastLo;
                count++;
            }
        }
        return new Intervals(Arrays.copyOf(firsts, 2 * count), Arrays.copyOf(lasts, 2 * count));
    }

    /**
     * Whether an interval ending at (lastHi, lastLo) overlaps or is adjacent to one starting at
     * (firstHi, firstLo), given that the latter does not start before the former. Written as {@code
     * first - 1 <= last} because {@code last + 1} overflows at the top of the space.
     */
    private static boolean touches(long lastHi, long lastLo, long firstHi, long firstLo) {
        if (firstHi == 0 && firstLo == 0) {
            return true;
        }
        long beforeFirstLo = firstLo - 1;
        long beforeFirstHi = firstLo == 0 ? firstHi - 1 : firstHi;
        return compare(beforeFirstHi, beforeFirstLo, lastHi, lastLo) <= 0;
    }

    /** Unsigned 128-bit comparison. */
    private static int compare(long aHi, long aLo, long bHi, long bLo) {
        int byHi = Long.compareUnsigned(aHi, bHi);
        return byHi != 0 ? byHi : Long.compareUnsigned(aLo, bLo);
    }
}
