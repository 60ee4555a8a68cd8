package ch.ipng.maglev.vpp.api;

import ch.ipng.maglev.common.testing.Property;
import ch.ipng.maglev.vpp.api.msg.Messages;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The frame codec and every message decoder on arbitrary bytes, truncations and mutations of the
 * frames a real VPP sent: nothing but VppException is thrown.
 */
class CodecPropertyTest {
  private static void decodeExpectingOnlyVppException(MessageType<?> type, byte[] body) {
    try {
      Codec.decode(type, ByteBuffer.wrap(body));
    } catch (VppException e) {
      // the codec's own refusal: fine
    }
    Codec.context(type, ByteBuffer.wrap(body));
    if (body.length >= 2) {
      Codec.messageId(ByteBuffer.wrap(body));
    }
  }

  @Test
  void decode_ofArbitraryBytes_throwsOnlyVppException() {
    List<MessageType<?>> types = Messages.ALL;
    Property.forAll(
        "vpp-decode-bytes",
        5_000,
        r -> Property.bytes(r, 128),
        body -> {
          for (MessageType<?> type : types) {
            decodeExpectingOnlyVppException(type, body);
          }
        });
  }

  @Test
  void decode_ofMutatedAndTruncatedGoldenFrames_throwsOnlyVppException() throws IOException {
    List<GoldenFramesTest.Frame> frames = GoldenFramesTest.frames();
    var byNameCrc =
        Messages.ALL.stream()
            .collect(
                java.util.stream.Collectors.toMap(
                    MessageType::nameCrc, java.util.function.Function.identity()));
    Property.forAll(
        "vpp-decode-golden",
        5_000,
        r -> frames.get(r.nextInt(frames.size())),
        f -> {
          MessageType<?> type = byNameCrc.get(f.nameCrc());
          java.util.Random r = new java.util.Random(f.n() * 31L + f.body().length);
          for (int i = 0; i < 4; i++) {
            decodeExpectingOnlyVppException(type, Property.mutate(r, f.body()));
          }
          decodeExpectingOnlyVppException(
              type, java.util.Arrays.copyOf(f.body(), r.nextInt(f.body().length + 1)));
        });
  }

  /** The reader's framing on an arbitrary byte stream: frames, a refusal, or waiting for more. */
  @Test
  void dispatchFrames_ofArbitraryStreams_throwsOnlyVppException() {
    Property.forAll(
        "vpp-framing",
        5_000,
        r -> {
          byte[] b = Property.bytes(r, 256);
          if (b.length >= 12 && r.nextBoolean()) {
            // a plausible length now and then, so whole frames go through too
            ByteBuffer.wrap(b).putInt(8, r.nextInt(b.length));
          }
          return b;
        },
        stream -> {
          ByteBuffer in = ByteBuffer.allocate(ApiSocket.READ_BUFFER_SIZE);
          in.put(stream);
          try {
            ApiSocket.dispatchFrames(in.flip(), body -> {});
          } catch (VppException e) {
            // refused: fine
          }
        });
  }
}
