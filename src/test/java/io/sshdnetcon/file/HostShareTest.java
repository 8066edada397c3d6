package io.sshdnetcon.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HostShareTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 7})
    void everyHostBelongsToExactlyOneShareAndEveryShareGetsSome(int count) {
        int[] perShare = new int[count];
        for (int i = 0; i < 2_000; i++) {
            String host = i % 2 == 0 ? UUID.randomUUID().toString() : "host-" + i;
            int owners = 0;
            for (int index = 0; index < count; index++) {
                if (new HostShare(index, count).owns(host)) {
                    owners++;
                    perShare[index]++;
                }
            }
            assertThat(owners).as(host).isEqualTo(1);
        }
        // Sequential names must spread too, or one reader would do most of the parsing.
        for (int n : perShare) {
            assertThat(n).isGreaterThan(2_000 / count / 2);
        }
    }

    @Test
    void recordsWithoutAHostBelongToTheFirstShareOnly() {
        assertThat(IntStream.range(0, 3).filter(i -> new HostShare(i, 3).owns(null)))
                .containsExactly(0);
        assertThat(HostShare.ALL.owns(null)).isTrue();
    }

    @Test
    void aSplitIdCarriesItsShareAndOtherIdsReadTheWholeFile() {
        HostShare share = new HostShare(2, 5);
        assertThat(HostShare.ofSplitId(share.splitId(7))).isEqualTo(share);
        assertThat(share.splitId(7)).isNotEqualTo(share.splitId(8));
        assertThat(HostShare.ofSplitId("0000000001")).isEqualTo(HostShare.ALL);
    }

    @Test
    void aShareOutsideItsCountIsRefused() {
        assertThatThrownBy(() -> new HostShare(2, 2)).hasMessageContaining("no share 2 of 2");
        assertThatThrownBy(() -> new HostShare(0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HostShare(-1, 2)).isInstanceOf(IllegalArgumentException.class);
    }
}
