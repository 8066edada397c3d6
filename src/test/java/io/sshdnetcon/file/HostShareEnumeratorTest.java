package io.sshdnetcon.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostShareEnumeratorTest {

    @TempDir Path dir;

    private Collection<FileSourceSplit> splits(String name, int readers) throws Exception {
        Path file = Files.writeString(dir.resolve(name), "{}\n");
        return new HostShareEnumerator()
                .enumerateSplits(
                        new org.apache.flink.core.fs.Path[] {
                            new org.apache.flink.core.fs.Path(file.toUri())
                        },
                        readers);
    }

    @Test
    void anUncompressedFileIsOneWholeFileSplitPerReaderEachNamingItsShare() throws Exception {
        Collection<FileSourceSplit> splits = splits("events.ndjson", 3);
        assertThat(splits)
                .extracting(s -> HostShare.ofSplitId(s.splitId()))
                .containsExactlyInAnyOrder(
                        new HostShare(0, 3), new HostShare(1, 3), new HostShare(2, 3));
        assertThat(splits).extracting(FileSourceSplit::splitId).doesNotHaveDuplicates();
        assertThat(splits).allSatisfy(s -> assertThat(s.length()).isEqualTo(3));
        assertThat(splits).allSatisfy(s -> assertThat(s.offset()).isZero());
    }

    @Test
    void aCompressedFileIsReadWholeByOneReader() throws Exception {
        assertThat(splits("events.ndjson.gz", 3))
                .extracting(s -> HostShare.ofSplitId(s.splitId()))
                .containsExactly(HostShare.ALL);
    }
}
