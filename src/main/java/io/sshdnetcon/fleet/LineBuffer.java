package io.sshdnetcon.fleet;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * A growable byte buffer for one NDJSON line, reused for every event so serialization allocates
 * nothing.
 */
final class LineBuffer extends OutputStream {

    private byte[] bytes;
    private int length;

    LineBuffer(int initialCapacity) {
        bytes = new byte[initialCapacity];
    }

    @Override
    public void write(int b) {
        ensure(1);
        bytes[length++] = (byte) b;
    }

    @Override
    public void write(byte[] source, int offset, int count) {
        ensure(count);
        System.arraycopy(source, offset, bytes, length, count);
        length += count;
    }

    void reset() {
        length = 0;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(bytes, length);
    }

    void writeTo(OutputStream out) throws IOException {
        out.write(bytes, 0, length);
    }

    private void ensure(int extra) {
        if (length + extra > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + extra));
        }
    }
}
