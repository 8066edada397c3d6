package io.sshdnetcon.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ReferenceIpLiteralTest {

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
        "0.0.0.0, 00000000",
        "255.255.255.255, ffffffff",
        "8.8.8.8, 08080808",
        "::, 00000000000000000000000000000000",
        "::1, 00000000000000000000000000000001",
        "1::, 00010000000000000000000000000000",
        "1:2:3:4:5:6:7::, 00010002000300040005000600070000",
        "::2:3:4:5:6:7:8, 00000002000300040005000600070008",
        "1:2:3:4:5:6:7:8, 00010002000300040005000600070008",
        "FE80::ABCD, fe80000000000000000000000000abcd",
        "fe80::1%eth0, fe800000000000000000000000000001",
        "fe80::1%1, fe800000000000000000000000000001",
        "::10.0.0.1, 0000000000000000000000000a000001",
        "::ffff:10.0.0.1, 0a000001",
        "::ffff:a00:1, 0a000001",
        "0:0:0:0:0:ffff:1.2.3.4, 01020304",
        "::ffff:1.2.3.4%eth0, 01020304",
        "64:ff9b::1.2.3.4, 0064ff9b000000000000000001020304",
        "1:2:3:4:5:6:1.2.3.4, 00010002000300040005000601020304",
    })
    void parses(String text, String hex) {
        assertThat(ReferenceIpLiteral.parse(text))
                .hasValueSatisfying(
                        bytes -> assertThat(HexFormat.of().formatHex(bytes)).isEqualTo(hex));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                " ",
                "1",
                "1.2.3",
                "1.2.3.4.",
                ".1.2.3.4",
                "1..2.3",
                "01.2.3.4",
                "1.2.3.256",
                "1.2.3.-1",
                "+1.2.3.4",
                "1.2.3.4 ",
                "1.2.3.4%eth0",
                "0x1.2.3.4",
                ":",
                ":::",
                "1:::2",
                "1::2::3",
                ":1::2",
                "1::2:",
                "1:2:3:4:5:6:7",
                "1:2:3:4:5:6:7:8:9",
                "1:2:3:4::5:6:7:8",
                "12345::",
                "g::1",
                "::1%",
                "::1% eth0",
                "::1%a%b",
                "1:2:3:4:5:6:7:1.2.3.4",
                "::1.2.3.4:5",
                "1.2.3.4::",
                "::01.2.3.4",
                "[::1]",
                "::1/128",
                "١.٢.٣.٤",
            })
    void rejects(String text) {
        assertThat(ReferenceIpLiteral.parse(text)).isEmpty();
    }

    @Test
    void cidrEntries() {
        ReferenceIpLiteral.Cidr fe80 = ReferenceIpLiteral.Cidr.parse("FE80::/10");
        assertThat(fe80.contains(ReferenceIpLiteral.parse("febf:ffff::").orElseThrow())).isTrue();
        assertThat(fe80.contains(ReferenceIpLiteral.parse("fec0::").orElseThrow())).isFalse();
        ReferenceIpLiteral.Cidr everything = ReferenceIpLiteral.Cidr.parse("0.0.0.0/0");
        assertThat(everything.contains(ReferenceIpLiteral.parse("1.2.3.4").orElseThrow())).isTrue();
        assertThat(everything.contains(ReferenceIpLiteral.parse("::1.2.3.4").orElseThrow()))
                .isFalse();
        ReferenceIpLiteral.Cidr mapped = ReferenceIpLiteral.Cidr.parse("::ffff:10.0.0.0/104");
        assertThat(mapped.contains(ReferenceIpLiteral.parse("10.9.9.9").orElseThrow())).isTrue();
        assertThatThrownBy(() -> ReferenceIpLiteral.Cidr.parse("10.0.0.0/33"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ReferenceIpLiteral.Cidr.parse("nope/8"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
