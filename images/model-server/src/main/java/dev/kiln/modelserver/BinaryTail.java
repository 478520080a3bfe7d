package dev.kiln.modelserver;

import java.nio.ByteBuffer;

/**
 * The bytes after the JSON header of a binary-extension request: inputs with a {@code
 * binary_data_size} take them in the order they are listed, and all of them must be used.
 */
final class BinaryTail {
  private final ByteBuffer bytes;

  BinaryTail(byte[] body, int offset) {
    this.bytes = ByteBuffer.wrap(body, offset, body.length - offset).slice();
  }

  static BinaryTail none() {
    return new BinaryTail(new byte[0], 0);
  }

  /** The next {@code size} bytes, for input {@code name}. */
  ByteBuffer take(String name, long size) throws ApiException {
    if (size > bytes.remaining()) {
      throw ApiException.badRequest(
          "input '"
              + name
              + "' has binary_data_size "
              + size
              + " but only "
              + bytes.remaining()
              + " bytes of binary data are left");
    }
    ByteBuffer slice = bytes.slice().limit((int) size);
    bytes.position(bytes.position() + (int) size);
    return slice;
  }

  void checkAllUsed() throws ApiException {
    if (bytes.hasRemaining()) {
      throw ApiException.badRequest(
          bytes.remaining() + " bytes of binary data after the JSON are not claimed by any input");
    }
  }
}
