package ch.ipng.maglev.cli.rpc;

/** HTTP/2's wire format as far as maglevc uses it (RFC 9113 sections 4 and 6). */
final class Frames {
  private Frames() {}

  static final int DATA = 0;
  static final int HEADERS = 1;
  static final int RST_STREAM = 3;
  static final int SETTINGS = 4;
  static final int PUSH_PROMISE = 5;
  static final int PING = 6;
  static final int GOAWAY = 7;
  static final int WINDOW_UPDATE = 8;
  static final int CONTINUATION = 9;

  static final int FLAG_END_STREAM = 0x1;
  static final int FLAG_ACK = 0x1;
  static final int FLAG_END_HEADERS = 0x4;
  static final int FLAG_PADDED = 0x8;
  static final int FLAG_PRIORITY = 0x20;

  static final int SETTINGS_ENABLE_PUSH = 2;
  static final int SETTINGS_INITIAL_WINDOW_SIZE = 4;
  static final int SETTINGS_MAX_FRAME_SIZE = 5;

  /** The largest frame we accept: HTTP/2's default, which we never raise. */
  static final int MAX_FRAME = 16_384;

  static final int DEFAULT_WINDOW = 65_535;

  /** RST_STREAM's REFUSED_STREAM: the server did not process the stream. */
  static final int REFUSED_STREAM = 7;

  /** The length of a padded frame's padding, checked against the frame. */
  static int padding(byte[] payload) throws ProtocolException {
    if (payload.length == 0 || (payload[0] & 0xff) > payload.length - 1) {
      throw new ProtocolException("padding longer than its frame");
    }
    return payload[0] & 0xff;
  }

  static void setting(byte[] b, int at, int id, int value) {
    b[at] = (byte) (id >>> 8);
    b[at + 1] = (byte) id;
    putInt(b, at + 2, value);
  }

  static void putInt(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }

  static int getInt(byte[] b, int at) {
    return (b[at] & 0xff) << 24
        | (b[at + 1] & 0xff) << 16
        | (b[at + 2] & 0xff) << 8
        | (b[at + 3] & 0xff);
  }
}
