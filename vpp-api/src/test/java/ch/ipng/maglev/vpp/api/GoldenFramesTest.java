package ch.ipng.maglev.vpp.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.ipng.maglev.vpp.api.msg.LbAddDelVipV2;
import ch.ipng.maglev.vpp.api.msg.LbAsV2Details;
import ch.ipng.maglev.vpp.api.msg.Messages;
import ch.ipng.maglev.vpp.api.msg.SockclntCreateReply;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Every frame a real VPP exchanged with vpp_papi decodes, and re-encodes to the same bytes. */
class GoldenFramesTest {
  private static final Map<String, MessageType<?>> BY_NAME_CRC =
      Messages.ALL.stream().collect(Collectors.toMap(MessageType::nameCrc, Function.identity()));

  /** One captured frame: direction, id, name_crc, 16-byte socket header and body. */
  record Frame(int n, String dir, int msgId, String nameCrc, byte[] header, byte[] body) {}

  static List<Frame> frames() throws IOException {
    List<Frame> frames = new ArrayList<>();
    try (InputStream in =
            GoldenFramesTest.class.getResourceAsStream("/vpp-golden/api_frames.jsonl");
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        JsonObject o = JsonParser.parseString(line).getAsJsonObject();
        if (o.has("n")) {
          frames.add(
              new Frame(
                  o.get("n").getAsInt(),
                  o.get("dir").getAsString(),
                  o.get("msg_id").getAsInt(),
                  o.get("name_crc").getAsString(),
                  HexFormat.of().parseHex(o.get("header_hex").getAsString()),
                  HexFormat.of().parseHex(o.get("msg_hex").getAsString())));
        }
      }
    }
    return frames;
  }

  @Test
  void everyCapturedFrameDecodesAndReencodesByteIdentically() throws IOException {
    List<Frame> frames = frames();
    assertThat(frames).hasSize(199);
    for (Frame f : frames) {
      MessageType<?> type = BY_NAME_CRC.get(f.nameCrc());
      assertThat(type).as("frame %d: %s is generated", f.n(), f.nameCrc()).isNotNull();
      assertThat(Codec.bodyLength(ByteBuffer.wrap(f.header()))).isEqualTo(f.body().length);
      Codec.Decoded d = Codec.decode(type, ByteBuffer.wrap(f.body()));
      assertThat(d.messageId()).isEqualTo(f.msgId());
      ByteBuffer again = ByteBuffer.allocate(Codec.bodySize(d.message()));
      Codec.encodeBody(again, d.message(), d.messageId(), d.clientIndex(), d.context());
      assertThat(HexFormat.of().formatHex(again.array()))
          .as("frame %d (%s %s) re-encoded", f.n(), f.dir(), f.nameCrc())
          .isEqualTo(HexFormat.of().formatHex(f.body()));
    }
  }

  @Test
  void decodedFieldsCarryTheCapturedValues() throws IOException {
    List<Frame> frames = frames();
    Frame create = frames.stream().filter(f -> f.msgId() == 16).findFirst().orElseThrow();
    Codec.Decoded reply = Codec.decode(SockclntCreateReply.TYPE, ByteBuffer.wrap(create.body()));
    SockclntCreateReply table = (SockclntCreateReply) reply.message();
    assertThat(reply.context()).isEqualTo(124);
    assertThat(table.index()).isEqualTo(0x80000001);
    assertThat(table.messageTable()).hasSize(850);
    assertThat(table.messageTable())
        .anySatisfy(
            e -> {
              assertThat(e.name()).isEqualTo("lb_add_del_vip_v2_7c520e0f");
              assertThat(e.index()).isEqualTo(95);
            });

    Frame vip =
        frames.stream()
            .filter(f -> f.nameCrc().equals(LbAddDelVipV2.TYPE.nameCrc()))
            .findFirst()
            .orElseThrow();
    LbAddDelVipV2 add =
        (LbAddDelVipV2) Codec.decode(LbAddDelVipV2.TYPE, ByteBuffer.wrap(vip.body())).message();
    assertThat(add.pfx().address().un().ip4()).containsExactly(192, 0, 2, 10);
    assertThat(add.pfx().len()).isEqualTo(32);
    assertThat(add.protocol()).isEqualTo(6);
    assertThat(add.port()).isEqualTo(80);
    assertThat(add.newFlowsTableLength()).isEqualTo(1024);

    Frame details =
        frames.stream()
            .filter(f -> f.nameCrc().equals(LbAsV2Details.TYPE.nameCrc()))
            .findFirst()
            .orElseThrow();
    LbAsV2Details as =
        (LbAsV2Details) Codec.decode(LbAsV2Details.TYPE, ByteBuffer.wrap(details.body())).message();
    assertThat(as.flags()).isEqualTo(1);
    assertThat(as.weight()).isBetween(0, 255);
    assertThat(as.numBuckets()).isPositive();
  }

  @Test
  void aTruncatedBodyIsAnErrorNamingTheMessage() {
    byte[] shortBody = new byte[20];
    assertThatThrownBy(() -> Codec.decode(LbAsV2Details.TYPE, ByteBuffer.wrap(shortBody)))
        .isInstanceOf(VppException.class)
        .hasMessageContaining("lb_as_v2_details")
        .hasMessageContaining("20 bytes");
    // A count that runs past the end fails cleanly instead of allocating.
    ByteBuffer lying = ByteBuffer.allocate(20);
    lying
        .putShort((short) 16)
        .putInt(0)
        .putInt(124)
        .putInt(0)
        .putInt(0x80000001)
        .putShort((short) 999);
    assertThatThrownBy(() -> Codec.decode(SockclntCreateReply.TYPE, lying.flip()))
        .isInstanceOf(VppException.class)
        .hasMessageContaining("sockclnt_create_reply");
  }
}
