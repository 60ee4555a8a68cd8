package ch.ipng.maglev.vpp.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.ipng.maglev.vpp.api.msg.ControlPing;
import ch.ipng.maglev.vpp.api.msg.ControlPingReply;
import ch.ipng.maglev.vpp.api.msg.MessageTableEntry;
import ch.ipng.maglev.vpp.api.msg.ShowVersion;
import ch.ipng.maglev.vpp.api.msg.ShowVersionReply;
import ch.ipng.maglev.vpp.api.msg.SockclntCreate;
import ch.ipng.maglev.vpp.api.msg.SockclntCreateReply;
import ch.ipng.maglev.vpp.api.msg.SockclntDelete;
import ch.ipng.maglev.vpp.api.msg.SockclntDeleteReply;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connection reassembles VPP's byte stream however it is cut: a reply split over many reads,
 * several replies in one read, and non-zero garbage in header bytes 0..7 (which VPP sends).
 */
class FramingTest {
  private static final List<MessageTableEntry> TABLE =
      List.of(
          new MessageTableEntry(15, SockclntCreate.TYPE.nameCrc()),
          new MessageTableEntry(16, SockclntCreateReply.TYPE.nameCrc()),
          new MessageTableEntry(17, SockclntDelete.TYPE.nameCrc()),
          new MessageTableEntry(18, SockclntDeleteReply.TYPE.nameCrc()),
          new MessageTableEntry(523, ControlPing.TYPE.nameCrc()),
          new MessageTableEntry(524, ControlPingReply.TYPE.nameCrc()),
          new MessageTableEntry(845, ShowVersion.TYPE.nameCrc()),
          new MessageTableEntry(846, ShowVersionReply.TYPE.nameCrc()));

  private static byte[] frame(Message m, int id, int context) {
    ByteBuffer b = Codec.frame(m, id, 0, context);
    b.putLong(0, 0x4085043001000000L); // what VPP leaves in the opaque header bytes
    return b.array();
  }

  private static ByteBuffer readFrame(SocketChannel ch) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(16);
    while (header.hasRemaining()) {
      ch.read(header);
    }
    ByteBuffer body = ByteBuffer.allocate(header.getInt(8));
    while (body.hasRemaining()) {
      ch.read(body);
    }
    return body.flip();
  }

  @Test
  void splitAndGluedFramesAreReassembled(@TempDir Path dir) throws Exception {
    Path path = dir.resolve("api.sock");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(path));
      CompletableFuture<Void> fake =
          CompletableFuture.runAsync(
              () -> {
                try (SocketChannel c = server.accept()) {
                  int createContext = Codec.decode(SockclntCreate.TYPE, readFrame(c)).context();
                  // the table reply in 7-byte pieces
                  byte[] reply =
                      frame(new SockclntCreateReply(0, 0x80000001, TABLE), 16, createContext);
                  for (int i = 0; i < reply.length; i += 7) {
                    c.write(ByteBuffer.wrap(reply, i, Math.min(7, reply.length - i)));
                    Thread.yield();
                  }
                  // two requests, answered in one write
                  int ping = Codec.decode(ControlPing.TYPE, readFrame(c)).context();
                  int version = Codec.decode(ShowVersion.TYPE, readFrame(c)).context();
                  ByteArrayOutputStream both = new ByteArrayOutputStream();
                  both.write(frame(new ControlPingReply(0, 0x80000001, 4242), 524, ping));
                  both.write(
                      frame(new ShowVersionReply(0, "vpe", "26.10", "today", ""), 846, version));
                  c.write(ByteBuffer.wrap(both.toByteArray()));
                  int delete = Codec.decode(SockclntDelete.TYPE, readFrame(c)).context();
                  c.write(ByteBuffer.wrap(frame(new SockclntDeleteReply(1), 18, delete)));
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      try (VppConnection c =
          VppConnection.connect(
              path, "framing", Duration.ofSeconds(5), List.of(ShowVersion.TYPE))) {
        assertThat(c.clientIndex()).isEqualTo(0x80000001);
        assertThat(c.id(ControlPing.TYPE)).isEqualTo(523);
        CompletableFuture<ControlPingReply> ping =
            c.call(new ControlPing(), ControlPingReply.TYPE, "ping");
        CompletableFuture<ShowVersionReply> version =
            c.call(new ShowVersion(), ShowVersionReply.TYPE, "show_version");
        assertThat(VppConnection.await(ping).vpePid()).isEqualTo(4242);
        assertThat(VppConnection.await(version).version()).isEqualTo("26.10");
      }
      fake.get();
    }
  }

  @Test
  void aStringTooLongForItsFieldIsAClearError() {
    assertThatThrownBy(() -> Codec.frame(new SockclntCreate("x".repeat(64)), 15, 0, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sockclnt_create.name: at most 63 bytes fit, got 64");
  }
}
