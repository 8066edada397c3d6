package io.sshdnetcon.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Utf8} against the JDK's strict decoder, which implements the same table. */
class Utf8Test {

    /** Bytes that start, continue or break sequences, at and around every boundary of the table. */
    private static final int[] INTERESTING = {
        0x00, 0x22, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0,
        0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF
    };

    @Test
    void agreesWithTheJdkOnRandomBytes() {
        SplittableRandom random = new SplittableRandom(13);
        for (int round = 0; round < 200_000; round++) {
            byte[] bytes = new byte[random.nextInt(1, 24)];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] =
                        (byte)
                                (random.nextInt(3) == 0
                                        ? random.nextInt(256)
                                        : INTERESTING[random.nextInt(INTERESTING.length)]);
            }
            assertThat(Utf8.firstInvalid(bytes, 0, bytes.length))
                    .as("%s", java.util.HexFormat.of().formatHex(bytes))
                    .isEqualTo(jdkFirstInvalid(bytes));
        }
    }

    @Test
    void findsTheFirstBadByteAfterLongAsciiRuns() {
        for (int at = 0; at < 40; at++) {
            byte[] bytes =
                    ("x".repeat(at) + "\u00e4" + "y".repeat(40)).getBytes(StandardCharsets.UTF_8);
            assertThat(Utf8.firstInvalid(bytes, 0, bytes.length)).isEqualTo(-1);
            bytes[at + 1] = '(';
            assertThat(Utf8.firstInvalid(bytes, 0, bytes.length)).isEqualTo(at);
            // The same bytes at an offset of a larger buffer, with a bad byte outside the range.
            byte[] shared = new byte[bytes.length + 10];
            System.arraycopy(bytes, 0, shared, 5, bytes.length);
            shared[shared.length - 1] = (byte) 0xFF;
            assertThat(Utf8.firstInvalid(shared, 5, bytes.length)).isEqualTo(at);
        }
    }

    @Test
    void acceptsEveryCodePoint() {
        StringBuilder all = new StringBuilder();
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            if (cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE) {
                all.appendCodePoint(cp);
            }
        }
        byte[] bytes = all.toString().getBytes(StandardCharsets.UTF_8);
        assertThat(Utf8.firstInvalid(bytes, 0, bytes.length)).isEqualTo(-1);
    }

    private static int jdkFirstInvalid(byte[] bytes) {
        CharsetDecoder decoder =
                StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length * 2);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            return in.position();
        }
        result = decoder.flush(out);
        return result.isError() ? in.position() : -1;
    }
}
