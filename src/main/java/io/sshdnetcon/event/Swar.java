package io.sshdnetcon.event;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Tests on eight bytes at once, read as one little-endian {@code long} (SIMD within a register):
 * the byte scans of the prefilter ({@code rule}) and of the parser ({@code parse}) share them.
 */
public final class Swar {

    public static final int BYTES = Long.BYTES;

    private static final VarHandle LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    private Swar() {}

    /** The eight bytes at {@code i}; the first in memory is the lowest. */
    public static long word(byte[] b, int i) {
        return (long) LONGS.get(b, i);
    }

    /** Whether every byte of {@code word} is ASCII (its high bit clear). */
    public static boolean allAscii(long word) {
        return (word & HIGHS) == 0;
    }

    /** {@code c} in every byte of a word. */
    public static long every(char c) {
        return c * ONES;
    }

    /**
     * The high bit of each byte of {@code word} equal to the byte of {@code a} or of {@code b},
     * which must each be an {@link #every} word. A byte above a match may be flagged falsely, so
     * the lowest flagged byte is always a real match (the first in memory).
     */
    public static long matches(long word, long a, long b) {
        long x = word ^ a;
        long y = word ^ b;
        return ((x - ONES) & ~x | (y - ONES) & ~y) & HIGHS;
    }

    /** The offset in its word of the lowest byte flagged in {@code found}. */
    public static int lowest(long found) {
        return Long.numberOfTrailingZeros(found) >>> 3;
    }
}
