package ch.ipng.maglev.vppsim;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.vpp.api.Codec;
import ch.ipng.maglev.vpp.api.Message;
import ch.ipng.maglev.vpp.api.MessageType;
import ch.ipng.maglev.vpp.api.msg.CliInbandReply;
import ch.ipng.maglev.vpp.api.msg.ControlPingReply;
import ch.ipng.maglev.vpp.api.msg.LbAsDetails;
import ch.ipng.maglev.vpp.api.msg.LbAsV2Details;
import ch.ipng.maglev.vpp.api.msg.Messages;
import ch.ipng.maglev.vpp.api.msg.ShowVersionReply;
import ch.ipng.maglev.vpp.api.msg.SockclntCreateReply;
import ch.ipng.maglev.vppsim.testing.SimProcess;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replays every request vpp_papi sent to a real VPP against maglev-vppsim (a separate process, over
 * its socket) and compares the replies with the captured ones field by field, except the fields
 * vpp-golden/README.md lists as varying between runs.
 */
class GoldenReplayTest {
  private static final Map<String, MessageType<?>> BY_NAME_CRC =
      Messages.ALL.stream().collect(Collectors.toMap(MessageType::nameCrc, Function.identity()));

  record Frame(String dir, String nameCrc, byte[] body) {}

  static List<Frame> frames() throws IOException {
    List<Frame> frames = new ArrayList<>();
    try (InputStream in =
            GoldenReplayTest.class.getResourceAsStream("/vpp-golden/api_frames.jsonl");
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        JsonObject o = JsonParser.parseString(line).getAsJsonObject();
        if (o.has("n")) {
          frames.add(
              new Frame(
                  o.get("dir").getAsString(),
                  o.get("name_crc").getAsString(),
                  HexFormat.of().parseHex(o.get("msg_hex").getAsString())));
        }
      }
    }
    return frames;
  }

  @Test
  void theSimulatorAnswersEveryCapturedRequestAsVppDid(@TempDir Path dir) throws Exception {
    List<Frame> frames = frames();
    try (SimProcess sim = SimProcess.start(dir);
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(sim.api()));
      int compared = 0;
      for (int i = 0; i < frames.size(); i++) {
        Frame request = frames.get(i);
        if (!request.dir().equals("C->S")) {
          continue;
        }
        // The captured bytes are sent as they are: a fresh simulator has VPP's ids and handle.
        ch.write(
            ByteBuffer.allocate(16 + request.body().length)
                .putLong(0)
                .putInt(request.body().length)
                .putInt(0)
                .put(request.body())
                .flip());
        List<Frame> expected = new ArrayList<>();
        for (int j = i + 1; j < frames.size() && frames.get(j).dir().equals("S->C"); j++) {
          expected.add(frames.get(j));
        }
        for (Frame want : expected) {
          MessageType<?> type = BY_NAME_CRC.get(want.nameCrc());
          Codec.Decoded got = Codec.decode(type, readFrame(ch));
          Codec.Decoded captured = Codec.decode(type, ByteBuffer.wrap(want.body()));
          assertThat(got.messageId()).as(want.nameCrc()).isEqualTo(captured.messageId());
          assertThat(got.context()).as(want.nameCrc()).isEqualTo(captured.context());
          assertThat(normalise(got.message()))
              .as("reply %s to %s", want.nameCrc(), request.nameCrc())
              .isEqualTo(normalise(captured.message()));
          compared++;
        }
      }
      assertThat(compared).isEqualTo(frames.stream().filter(f -> f.dir().equals("S->C")).count());
    }
  }

  /** The reply with its run-to-run fields blanked, in a comparable form. */
  private static Object normalise(Message m) {
    return switch (m) {
      case ControlPingReply r -> new ControlPingReply(r.retval(), r.clientIndex(), 0);
      case ShowVersionReply r -> new ShowVersionReply(r.retval(), r.program(), r.version(), "", "");
      case LbAsDetails d when d.flags() == 0 -> new LbAsDetails(d.vip(), d.appSrv(), d.flags(), 0);
      case LbAsV2Details d when d.flags() == 0 ->
          new LbAsV2Details(d.vip(), d.appSrv(), d.flags(), 0, d.weight(), d.numBuckets());
      case CliInbandReply r ->
          new CliInbandReply(r.retval(), r.reply().replaceAll("dpo:\\d+", "dpo:N"));
      // The table arrives in hash order: compare it as a set.
      case SockclntCreateReply r ->
          List.of(r.response(), r.index(), new HashSet<>(r.messageTable()));
      default -> m;
    };
  }

  private static ByteBuffer readFrame(SocketChannel ch) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(16);
    readFully(ch, header);
    ByteBuffer body = ByteBuffer.allocate(header.getInt(8));
    readFully(ch, body);
    return body.flip();
  }

  private static void readFully(SocketChannel ch, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) {
      if (ch.read(buf) < 0) {
        throw new IOException("the simulator closed the connection");
      }
    }
  }
}
