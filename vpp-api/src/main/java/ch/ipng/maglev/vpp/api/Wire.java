package ch.ipng.maglev.vpp.api;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntSupplier;

/** Encoding helpers shared by the generated messages: strings, arrays and counts. */
public final class Wire {
  private Wire() {}

  public static byte[] getBytes(ByteBuffer buf, int length) {
    checkAvailable(buf, length, 1);
    byte[] b = new byte[length];
    buf.get(b);
    return b;
  }

  /** Writes {@code b}; when {@code length} is not -1 the array must have exactly that size. */
  public static void putBytes(ByteBuffer buf, byte[] b, int length, String field) {
    if (length >= 0) {
      checkLength(b.length, length, field);
    }
    buf.put(b);
  }

  public static void checkLength(int actual, int expected, String field) {
    if (actual != expected) {
      throw new IllegalArgumentException(
          field + ": expected " + expected + " elements, got " + actual);
    }
  }

  /** A NUL-padded string in a fixed field of {@code length} bytes. */
  public static String getString(ByteBuffer buf, int length) {
    byte[] b = getBytes(buf, length);
    int end = 0;
    while (end < b.length && b[end] != 0) {
      end++;
    }
    return new String(b, 0, end, StandardCharsets.UTF_8);
  }

  /** Writes {@code s} NUL-padded; it must leave room for the terminating NUL. */
  public static void putString(ByteBuffer buf, String s, int length, String field) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    if (b.length >= length) {
      throw new IllegalArgumentException(
          field + ": at most " + (length - 1) + " bytes fit, got " + b.length + ": " + s);
    }
    buf.put(b);
    buf.put(new byte[length - b.length]);
  }

  /** A variable string: a u32 length, then that many bytes without a NUL. */
  public static String getVarString(ByteBuffer buf) {
    int length = buf.getInt();
    return new String(getBytes(buf, length), StandardCharsets.UTF_8);
  }

  public static void putVarString(ByteBuffer buf, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    buf.putInt(b.length);
    buf.put(b);
  }

  /** Bytes of a variable string after its u32 length. */
  public static int stringBytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  /** Writes the element count of a variable array into a count field of {@code size} bytes. */
  public static void putCount(ByteBuffer buf, int count, int size, String field) {
    long max = size >= 4 ? 0xffffffffL : (1L << (8 * size)) - 1;
    if (count > max) {
      throw new IllegalArgumentException(field + ": at most " + max + " elements, got " + count);
    }
    switch (size) {
      case 1 -> buf.put((byte) count);
      case 2 -> buf.putShort((short) count);
      default -> buf.putInt(count);
    }
  }

  public static int[] getInts(ByteBuffer buf, int count, int elementSize, IntSupplier read) {
    checkAvailable(buf, count, elementSize);
    int[] values = new int[count];
    for (int i = 0; i < count; i++) {
      values[i] = read.getAsInt();
    }
    return values;
  }

  public static long[] getLongs(ByteBuffer buf, int count) {
    checkAvailable(buf, count, 8);
    long[] values = new long[count];
    for (int i = 0; i < count; i++) {
      values[i] = buf.getLong();
    }
    return values;
  }

  /** Decodes {@code count} elements; a count larger than the bytes left fails before allocating. */
  public static <T> List<T> getList(
      ByteBuffer buf, int count, int elementSize, Function<ByteBuffer, T> decode) {
    checkAvailable(buf, count, Math.max(elementSize, 1));
    List<T> values = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      values.add(decode.apply(buf));
    }
    return List.copyOf(values);
  }

  /** f64 is the one type VPP sends in host order (little-endian on the machines it runs on). */
  public static double getF64(ByteBuffer buf) {
    return Double.longBitsToDouble(Long.reverseBytes(buf.getLong()));
  }

  public static void putF64(ByteBuffer buf, double value) {
    buf.putLong(Long.reverseBytes(Double.doubleToRawLongBits(value)));
  }

  public static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  private static void checkAvailable(ByteBuffer buf, int count, int elementSize) {
    if (count < 0 || (long) count * elementSize > buf.remaining()) {
      throw new BufferUnderflowException();
    }
  }
}
