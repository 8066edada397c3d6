package io.sshdnetcon.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Splits NDJSON bytes into lines as the replay source does: on '\n', bytes kept as they are. */
public final class NdjsonLines {

    private NdjsonLines() {}

    /** Every line without its '\n'; a last line without one counts too. */
    public static List<byte[]> split(byte[] content) {
        List<byte[]> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < content.length; i++) {
            if (content[i] == '\n') {
                lines.add(Arrays.copyOfRange(content, start, i));
                start = i + 1;
            }
        }
        if (start < content.length) {
            lines.add(Arrays.copyOfRange(content, start, content.length));
        }
        return lines;
    }
}
