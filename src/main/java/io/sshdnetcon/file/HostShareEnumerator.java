package io.sshdnetcon.file;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.compression.StandardDeCompressors;
import org.apache.flink.connector.file.src.enumerate.FileEnumerator;
import org.apache.flink.connector.file.src.enumerate.NonSplittingRecursiveEnumerator;
import org.apache.flink.core.fs.Path;

/**
 * Splits each uncompressed input file into one {@link HostShare} per reader, so that every core
 * parses. A compressed file stays one split: each reader would have to decompress all of it, which
 * costs more than the parsing it would share.
 */
public final class HostShareEnumerator implements FileEnumerator {

    private final FileEnumerator files = new NonSplittingRecursiveEnumerator();

    @Override
    public Collection<FileSourceSplit> enumerateSplits(Path[] paths, int readers)
            throws IOException {
        List<FileSourceSplit> splits = new ArrayList<>();
        int fileNumber = 0;
        for (FileSourceSplit file : files.enumerateSplits(paths, readers)) {
            boolean compressed =
                    StandardDeCompressors.getDecompressorForFileName(file.path().getName()) != null;
            int shares = compressed ? 1 : Math.max(1, readers);
            for (int index = 0; index < shares; index++) {
                splits.add(
                        new FileSourceSplit(
                                new HostShare(index, shares).splitId(fileNumber),
                                file.path(),
                                file.offset(),
                                file.length(),
                                file.fileModificationTime(),
                                file.fileSize(),
                                file.hostnames()));
            }
            fileNumber++;
        }
        return splits;
    }
}
