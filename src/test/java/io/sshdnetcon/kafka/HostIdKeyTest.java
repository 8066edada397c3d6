package io.sshdnetcon.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HostIdKeyTest {

    private static String find(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return HostIdKey.find(bytes, 0, bytes.length);
    }

    @Test
    void nestedAndDottedForms() {
        assertThat(
                        find(
                                "{\"process\":{\"args\":[\"a\",{\"host\":{\"id\":\"no\"}}]},\"host\":{\"name\":\"w\",\"os\":{\"type\":\"linux\"},\"id\":\"h-1\"}}"))
                .isEqualTo("h-1");
        assertThat(find("{\"@timestamp\":\"t\",\"host.id\":\"h-2\"}")).isEqualTo("h-2");
        assertThat(find("{\"host\":{\"name\":\"w\"},\"host.id\":\"h-3\"}")).isEqualTo("h-3");
        assertThat(find("{\"host\":{\"id\":\"ü-ñ\"}}")).isEqualTo("ü-ñ");
    }

    @Test
    void nothingUsable() {
        assertThat(find("{\"host\":{\"name\":\"w\"}}")).isNull();
        assertThat(find("{\"host\":{\"id\":42}}")).isNull();
        assertThat(find("{\"host\":{\"id\":null}}")).isNull();
        assertThat(find("{\"host.id\":[\"h\"]}")).isNull();
        assertThat(find("[\"host\"]")).isNull();
        assertThat(find("not json")).isNull();
        assertThat(find("{\"host\":{\"name\":")).isNull();
        assertThat(find("")).isNull();
    }
}
