package io.sshdnetcon.file;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * The one gzip detector. Input is recognised by gzip's magic bytes, not by a file name, because
 * standard input has none and users do not always name their files.
 */
public final class Gzip {

    private static final int BUFFER_BYTES = 1 << 16;

    private Gzip() {}

    /**
     * True when {@code in} starts with gzip's two magic bytes; {@code in} must support mark/reset
     * and is left where it was.
     */
    public static boolean startsWithMagic(InputStream in) throws IOException {
        if (!in.markSupported()) {
            throw new IllegalArgumentException("the stream must support mark/reset");
        }
        in.mark(2);
        try {
            return in.read() == 0x1f && in.read() == 0x8b;
        } finally {
            in.reset();
        }
    }

    /** {@code in}, buffered, and decompressed when it is gzip. */
    public static InputStream decompressIfGzip(InputStream in) throws IOException {
        InputStream raw = new BufferedInputStream(in, BUFFER_BYTES);
        return startsWithMagic(raw)
                ? new BufferedInputStream(new GZIPInputStream(raw, BUFFER_BYTES), BUFFER_BYTES)
                : raw;
    }
}
