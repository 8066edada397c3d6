package io.sshdnetcon.file;

import java.io.Serializable;

/** Renders one element as one line of output (without the newline). */
@FunctionalInterface
public interface LineEncoder<T> extends Serializable {
    byte[] encode(T element);
}
