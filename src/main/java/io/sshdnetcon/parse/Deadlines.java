package io.sshdnetcon.parse;

import java.util.Arrays;

/**
 * A min-heap of event times (primitive longs, no boxing): the times at which the ordering
 * downstream will have something of one host to release.
 */
final class Deadlines {

    private long[] heap = new long[4];
    private int size;

    void add(long time) {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (heap[parent] <= time) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = time;
    }

    /** Whether the earliest deadline is at or before {@code time}. */
    boolean anyAtOrBefore(long time) {
        return size > 0 && heap[0] <= time;
    }

    /** Removes every deadline at or before {@code time}; returns how many. */
    int removeAtOrBefore(long time) {
        int removed = 0;
        while (anyAtOrBefore(time)) {
            removeFirst();
            removed++;
        }
        return removed;
    }

    boolean isEmpty() {
        return size == 0;
    }

    private void removeFirst() {
        long last = heap[--size];
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && heap[child + 1] < heap[child]) {
                child++;
            }
            if (last <= heap[child]) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        if (size > 0) {
            heap[i] = last;
        }
    }
}
