package io.sshdnetcon.rule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpLiteralTest {

    /**
     * Expected values are written as 32 hex digits so they do not depend on the parser under test.
     */
    private static long[] value(String hex32) {
        assertThat(hex32).hasSize(32);
        return new long[] {
            Long.parseUnsignedLong(hex32.substring(0, 16), 16),
            Long.parseUnsignedLong(hex32.substring(16), 16)
        };
    }

    private static long[] parsed(String text) {
        long[] out = new long[2];
        assertThat(IpLiteral.parse(text, out, 0)).as("parse(\"%s\")", text).isTrue();
        return out;
    }

    @ParameterizedTest(name = "\"{0}\" = {1}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            textBlock =
                    """
                    0.0.0.0                                 | 00000000000000000000ffff00000000 | 0.0.0.0               | true
                    255.255.255.255                         | 00000000000000000000ffffffffffff | 255.255.255.255       | true
                    8.8.8.8                                 | 00000000000000000000ffff08080808 | 8.8.8.8               | true
                    10.0.0.1                                | 00000000000000000000ffff0a000001 | 10.0.0.1              | true
                    192.168.100.200                         | 00000000000000000000ffffc0a864c8 | 192.168.100.200       | true
                    100.64.0.0                              | 00000000000000000000ffff64400000 | 100.64.0.0            | true
                    ::ffff:10.0.0.1                         | 00000000000000000000ffff0a000001 | 10.0.0.1              | true
                    ::FFFF:a00:1                            | 00000000000000000000ffff0a000001 | 10.0.0.1              | true
                    ::ffff:A00:1                            | 00000000000000000000ffff0a000001 | 10.0.0.1              | true
                    0:0:0:0:0:ffff:ffff:ffff                | 00000000000000000000ffffffffffff | 255.255.255.255       | true
                    0:0:0:0:0:FFFF:0.0.0.0                  | 00000000000000000000ffff00000000 | 0.0.0.0               | true
                    ::ffff:0:0                              | 00000000000000000000ffff00000000 | 0.0.0.0               | true
                    ::ffff:1.2.3.4%eth0                     | 00000000000000000000ffff01020304 | 1.2.3.4               | true
                    ::10.0.0.1                              | 0000000000000000000000000a000001 | ::a00:1               | false
                    ::a00:1                                 | 0000000000000000000000000a000001 | ::a00:1               | false
                    ::fffe:ffff:ffff                        | 00000000000000000000fffeffffffff | ::fffe:ffff:ffff      | false
                    ::1:0:0:0                               | 00000000000000000001000000000000 | ::1:0:0:0             | false
                    ::                                      | 00000000000000000000000000000000 | ::                    | false
                    ::0                                     | 00000000000000000000000000000000 | ::                    | false
                    0::0                                    | 00000000000000000000000000000000 | ::                    | false
                    0:0:0:0:0:0:0:0                         | 00000000000000000000000000000000 | ::                    | false
                    ::1                                     | 00000000000000000000000000000001 | ::1                   | false
                    0000::0001                              | 00000000000000000000000000000001 | ::1                   | false
                    1::                                     | 00010000000000000000000000000000 | 1::                   | false
                    1::8                                    | 00010000000000000000000000000008 | 1::8                  | false
                    1:2:3:4:5:6:7:8                         | 00010002000300040005000600070008 | 1:2:3:4:5:6:7:8       | false
                    1:2:3:4:5:6:7::                         | 00010002000300040005000600070000 | 1:2:3:4:5:6:7:0       | false
                    ::2:3:4:5:6:7:8                         | 00000002000300040005000600070008 | 0:2:3:4:5:6:7:8       | false
                    1:2:3:4::5:6:7                          | 00010002000300040000000500060007 | 1:2:3:4:0:5:6:7       | false
                    1:2:3:4:5:6:1.2.3.4                     | 00010002000300040005000601020304 | 1:2:3:4:5:6:102:304   | false
                    1::1.2.3.4                              | 00010000000000000000000001020304 | 1::102:304            | false
                    64:ff9b::1.2.3.4                        | 0064ff9b000000000000000001020304 | 64:ff9b::102:304      | false
                    64:FF9B::0102:0304                      | 0064ff9b000000000000000001020304 | 64:ff9b::102:304      | false
                    2001:db8::1                             | 20010db8000000000000000000000001 | 2001:db8::1           | false
                    2001:0DB8:0000:0000:0000:0000:0000:0001 | 20010db8000000000000000000000001 | 2001:db8::1           | false
                    2001:4860:4860::8888                    | 20014860486000000000000000008888 | 2001:4860:4860::8888  | false
                    FE80::1                                 | fe800000000000000000000000000001 | fe80::1               | false
                    fe80::1%eth0                            | fe800000000000000000000000000001 | fe80::1               | false
                    FE80::1%25                              | fe800000000000000000000000000001 | fe80::1               | false
                    "fe80::1%any chars: / %.[] "            | fe800000000000000000000000000001 | fe80::1               | false
                    ::%lo                                   | 00000000000000000000000000000000 | ::                    | false
                    ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff | ffffffffffffffffffffffffffffffff | ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff | false
                    1:0:0:2::3                              | 00010000000000020000000000000003 | 1:0:0:2::3            | false
                    1:0:0:2:0:0:3:4                         | 00010000000000020000000000030004 | 1::2:0:0:3:4          | false
                    1:0:2:3:4:5:6:7                         | 00010000000200030004000500060007 | 1:0:2:3:4:5:6:7       | false
                    0:0:1:0:0:0:1:0                         | 00000000000100000000000000010000 | 0:0:1::1:0            | false
                    """)
    void parsesValidLiterals(String text, String expectedHex, String canonical, boolean ipv4) {
        long[] out = parsed(text);
        assertThat(out).containsExactly(value(expectedHex));
        assertThat(IpLiteral.isIpv4(out[0], out[1])).isEqualTo(ipv4);
        assertThat(IpLiteral.format(out[0], out[1])).isEqualTo(canonical);
        assertThat(parsed(canonical)).as("canonical text parses back").containsExactly(out);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(
            strings = {
                // from the contract
                "",
                " 8.8.8.8",
                "8.8.8.8 ",
                "not-an-ip",
                "1.2.3",
                "1.2.3.4.5",
                "256.1.1.1",
                "1.2.3.-1",
                "1..2.3",
                "+1.2.3.4",
                "0x1.2.3.4",
                "1.2.3.4%eth0",
                "[::1]",
                "::1/128",
                "1.2.3.4/32",
                "fe80::1%",
                "12345::",
                "1::2::3",
                ":::",
                "g::1",
                "1:2:3:4:5:6:7:8:9",
                "1:2:3:4:5:6:7",
                "::ffff:010.0.0.1",
                "::1.2.3",
                "1.2.3.4::",
                // IPv4 edges
                "010.0.0.1",
                "1.2.3.04",
                "00.0.0.0",
                "1.2.3.256",
                "1.2.3.1000",
                "1.2.3.4.",
                ".1.2.3.4",
                "1.2.3.",
                "...",
                "1.2.3.4%",
                "1.2.3.4%a:b",
                "-1.2.3.4",
                "1e1.0.0.1",
                "1,2,3,4",
                "1.2.3.4:80",
                "\t1.2.3.4",
                "1.2.3.4\n",
                "1.2.3.4\u0000",
                "\u0661.\u0662.\u0663.\u0664",
                "\uff11.\uff12.\uff13.\uff14",
                "12",
                "4294967295",
                // IPv6 edges
                ":",
                "::::",
                "1",
                "1:",
                ":1",
                ":1::",
                "1::2:",
                "1::2::",
                "::1::",
                "1:::2",
                "00000::1",
                "1:2:3:4:5:6:7:8::",
                "::1:2:3:4:5:6:7:8",
                "1:2:3:4::5:6:7:8",
                "1:2:3:4:5:6:7:1.2.3.4",
                "::1:2:3:4:5:6:1.2.3.4",
                "::1.2.3.4:5",
                "::1.2.3.4.5",
                "::256.0.0.1",
                "::ffff:1.2.3.4%",
                "::1.2.3.04",
                "1.2::3",
                "fe80::1 %eth0",
                " ::1",
                "::1 ",
                "%",
                "%eth0",
                "fe80:: 1",
                "::-1",
                "::+1",
                "::0x1",
                "fe80::\uff11",
                "2001:db8::1]",
                "::ffff:1.2.3",
                "::ffff:.1.2.3",
                "1:2:3:4:5:6:7:8%",
                "%::1"
            })
    void rejectsInvalidLiterals(String text) {
        long[] out = {0x1234L, 0x5678L, 0x9ABCL};
        assertThat(IpLiteral.parse(text, out, 1)).isFalse();
        assertThat(out)
                .as("output untouched on failure")
                .containsExactly(0x1234L, 0x5678L, 0x9ABCL);
    }

    @Test
    void nullIsNotALiteral() {
        assertThat(IpLiteral.parse(null, new long[2], 0)).isFalse();
    }

    @Test
    void writesAtTheGivenOffsetOnly() {
        long[] out = {-1L, -1L, -1L, -1L, -1L};
        assertThat(IpLiteral.parse("::ffff:10.0.0.1", out, 2)).isTrue();
        assertThat(out).containsExactly(-1L, -1L, 0L, 0xFFFF_0A00_0001L, -1L);
    }

    @Test
    void acceptsAnyCharSequence() {
        long[] out = new long[2];
        assertThat(IpLiteral.parse(new StringBuilder("fe80::1%eth0"), out, 0)).isTrue();
        assertThat(out).containsExactly(value("fe800000000000000000000000000001"));
    }

    @Test
    void reportsAnOutputArrayWithoutRoomAsACallerBug() {
        assertThatThrownBy(() -> IpLiteral.parse("1.2.3.4", new long[2], 1))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> IpLiteral.parse("garbage", new long[1], 0))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void ipv4IsExactlyTheMappedBlock() {
        assertThat(IpLiteral.isIpv4(0L, 0x0000_FFFF_0000_0000L)).isTrue();
        assertThat(IpLiteral.isIpv4(0L, 0x0000_FFFF_FFFF_FFFFL)).isTrue();
        assertThat(IpLiteral.isIpv4(0L, 0x0000_FFFE_FFFF_FFFFL)).isFalse();
        assertThat(IpLiteral.isIpv4(0L, 0x0001_0000_0000_0000L)).isFalse();
        assertThat(IpLiteral.isIpv4(1L, 0x0000_FFFF_0000_0000L)).isFalse();
        assertThat(IpLiteral.isIpv4(0L, 0x0000_0000_0A00_0001L)).as("IPv4-compatible").isFalse();
    }

    @ParameterizedTest(name = "{2}")
    @CsvSource({
        "0000000000000000, 0000000000000000, ::",
        "0000000000000000, 0000000000000001, ::1",
        "0001000000000000, 0000000000000000, 1::",
        "2001000000000000, 0000000000000000, 2001::",
        "20010db800000000, 0000000000000001, 2001:db8::1",
        "20010db800000000, 0001000000000001, 2001:db8::1:0:0:1",
        "20010db800000001, 0001000100010001, 2001:db8:0:1:1:1:1:1",
        "20010db800000000, 0001000000000000, 2001:db8:0:0:1::", // the longer run wins, not the
        // first
        "20010db800010000, 0000000000010000, 2001:db8:1::1:0",
        "0000000000010000, 0000000000000000, 0:0:1::",
        "0000000100000000, 0000000000000000, 0:1::",
        "abcdef0000000000, 00000000000000ff, abcd:ef00::ff",
        "0000000000000000, 0000ffff0a000001, 10.0.0.1",
        "0000000000000000, 0000fffeffffffff, ::fffe:ffff:ffff",
        "0000000000000000, 0000000100000000, ::1:0:0",
    })
    void formatsCanonically(String hiHex, String loHex, String expected) {
        long hi = Long.parseUnsignedLong(hiHex, 16);
        long lo = Long.parseUnsignedLong(loHex, 16);
        assertThat(IpLiteral.format(hi, lo)).isEqualTo(expected);
        assertThat(parsed(expected)).containsExactly(hi, lo);
    }

    @Test
    void randomValuesRoundTripThroughFormat() {
        Random random = new Random(20240501L);
        for (int i = 0; i < 50_000; i++) {
            // Sparse values produce many zero runs, which is where compression can go wrong.
            long hi = sparse(random);
            long lo = sparse(random);
            if (random.nextInt(8) == 0) {
                hi = 0;
                lo = IpLiteral.IPV4_MAPPED_PREFIX | (lo & 0xFFFF_FFFFL);
            }
            String text = IpLiteral.format(hi, lo);
            assertThat(parsed(text)).as(text).containsExactly(hi, lo);
            assertThat(parsed(text.toUpperCase(Locale.ROOT))).as(text).containsExactly(hi, lo);
            assertThat(text).doesNotContain(":::").isEqualTo(text.toLowerCase(Locale.ROOT));
        }
    }

    private static long sparse(Random random) {
        long value = 0;
        for (int group = 0; group < 4; group++) {
            if (random.nextBoolean()) {
                value |=
                        (random.nextInt(4) == 0
                                        ? random.nextInt(16)
                                        : random.nextInt(0x10000) & 0xFFFFL)
                                << (16 * group);
            }
        }
        return value;
    }
}
