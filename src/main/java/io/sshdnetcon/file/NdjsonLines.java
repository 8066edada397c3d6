package io.sshdnetcon.file;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The one newline-delimited JSON line splitter: the replay source and the event producer tool both
 * read through it, so both see the same lines.
 *
 * <p>Lines end at {@code \n}; a trailing {@code \r} and a UTF-8 byte-order mark at the start of the
 * first line are dropped, and a last line without a terminator still counts. Bytes are not decoded.
 * A line longer than {@code maxLineBytes} is not buffered whole: its first bytes are kept, the rest
 * is skipped, and {@link #truncated()} says so, so one huge line cannot exhaust the heap.
 *
 * <p>Most lines are handed out in place, inside the read buffer; {@link #buffer()} is valid only
 * until the next call to {@link #next()}.
 */
public final class NdjsonLines {

    private static final int CHUNK_BYTES = 1 << 16;

    private final InputStream in;
    private final int maxLineBytes;
    private final byte[] chunk = new byte[CHUNK_BYTES];
    private int pos;
    private int limit;
    private boolean eof;

    /** Holds a line only when it spans chunks. */
    private byte[] carry = new byte[CHUNK_BYTES];

    private int carried;

    private byte[] buffer;
    private int offset;
    private int length;
    private long fullLength;
    private long lineNumber;

    /**
     * @param in read in chunks; not buffered further
     * @param maxLineBytes longer lines are truncated (their first bytes kept)
     */
    public NdjsonLines(InputStream in, int maxLineBytes) {
        if (maxLineBytes < 1 || maxLineBytes == Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "maxLineBytes must be in [1, 2^31-2]: " + maxLineBytes);
        }
        this.in = in;
        this.maxLineBytes = maxLineBytes;
    }

    /** Moves to the next line; false at the end of the input. */
    public boolean next() throws IOException {
        carried = 0;
        long total = 0;
        boolean sawAny = false;
        while (true) {
            if (pos == limit && (eof || !fill())) {
                if (!sawAny) {
                    return false;
                }
                return finish(carry, 0, carried, total);
            }
            sawAny = true;
            int newline = indexOfNewline();
            int end = newline < 0 ? limit : newline;
            int start = pos;
            pos = newline < 0 ? limit : newline + 1;
            if (newline >= 0 && carried == 0 && total == 0) {
                return finish(chunk, start, end - start, end - start);
            }
            keep(start, end - start);
            total += end - start;
            if (newline >= 0) {
                return finish(carry, 0, carried, total);
            }
        }
    }

    /** The bytes of the current line, from {@link #offset()}, {@link #length()} long. */
    public byte[] buffer() {
        return buffer;
    }

    public int offset() {
        return offset;
    }

    public int length() {
        return length;
    }

    /** The current line's length in the input, terminator excluded, even when truncated. */
    public long fullLength() {
        return fullLength;
    }

    /**
     * The line is longer than the limit: the buffer holds its first bytes only (at most the limit
     * plus one), with no {@code \r} or byte-order mark removed.
     */
    public boolean truncated() {
        return fullLength > maxLineBytes;
    }

    /** 1 for the first line. */
    public long lineNumber() {
        return lineNumber;
    }

    /** A copy of the current line. */
    public byte[] copy() {
        return Arrays.copyOfRange(buffer, offset, offset + length);
    }

    private boolean finish(byte[] buf, int off, int len, long total) {
        lineNumber++;
        fullLength = total;
        if (!truncated()) {
            if (len > 0 && buf[off + len - 1] == '\r') {
                len--;
            }
            if (lineNumber == 1
                    && len >= 3
                    && (buf[off] & 0xFF) == 0xEF
                    && (buf[off + 1] & 0xFF) == 0xBB
                    && (buf[off + 2] & 0xFF) == 0xBF) {
                off += 3;
                len -= 3;
            }
        }
        buffer = buf;
        offset = off;
        length = len;
        return true;
    }

    /** Appends to the carry buffer, but never more than the limit plus one byte. */
    private void keep(int start, int count) {
        int room = maxLineBytes + 1 - carried;
        int n = Math.max(0, Math.min(count, room));
        if (carried + n > carry.length) {
            carry = Arrays.copyOf(carry, Math.max(carried + n, carry.length * 2));
        }
        System.arraycopy(chunk, start, carry, carried, n);
        carried += n;
    }

    private int indexOfNewline() {
        for (int i = pos; i < limit; i++) {
            if (chunk[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private boolean fill() throws IOException {
        int n = in.read(chunk, 0, chunk.length);
        if (n <= 0) {
            eof = true;
            pos = limit = 0;
            return false;
        }
        pos = 0;
        limit = n;
        return true;
    }
}
