package ch.ipng.maglev.vpp.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.ipng.maglev.vpp.api.msg.ControlPing;
import ch.ipng.maglev.vpp.api.msg.ControlPingReply;
import ch.ipng.maglev.vpp.api.msg.MessageTableEntry;
import ch.ipng.maglev.vpp.api.msg.SockclntCreate;
import ch.ipng.maglev.vpp.api.msg.SockclntCreateReply;
import ch.ipng.maglev.vpp.api.msg.SockclntDelete;
import ch.ipng.maglev.vpp.api.msg.SockclntDeleteReply;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A VPP (a real Unix socket server here) that claims a huge frame: the client refuses the claim at
 * the header, before allocating anything for it, names the length and the limit, and closes the
 * link; a new connection works.
 */
class FrameLimitTest {
  private static final List<MessageTableEntry> TABLE =
      List.of(
          new MessageTableEntry(15, SockclntCreate.TYPE.nameCrc()),
          new MessageTableEntry(16, SockclntCreateReply.TYPE.nameCrc()),
          new MessageTableEntry(17, SockclntDelete.TYPE.nameCrc()),
          new MessageTableEntry(18, SockclntDeleteReply.TYPE.nameCrc()),
          new MessageTableEntry(523, ControlPing.TYPE.nameCrc()),
          new MessageTableEntry(524, ControlPingReply.TYPE.nameCrc()));

  /** Long enough that a refusal by timeout could not pass for a refusal of the frame. */
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path dir;

  /** Hears the refusals, as maglevd's metric does. */
  private static final class Refusals implements VppConnection.Observer {
    final List<Long> claimed = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public void frameRefused(long claimedLength) {
      claimed.add(claimedLength);
    }
  }

  private static ByteBuffer readFrame(SocketChannel ch) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(16);
    while (header.hasRemaining()) {
      if (ch.read(header) < 0) {
        throw new IOException("client went away");
      }
    }
    ByteBuffer body = ByteBuffer.allocate(header.getInt(8));
    while (body.hasRemaining()) {
      ch.read(body);
    }
    return body.flip();
  }

  /** A header claiming {@code length} bytes, followed by 1 KiB of the body. */
  private static ByteBuffer claim(long length) {
    ByteBuffer b = ByteBuffer.allocate(16 + 1024);
    b.putLong(0).putInt((int) length).putInt(0);
    b.putShort((short) 524);
    return b.position(b.capacity()).flip();
  }

  private static void answerCreate(SocketChannel c) throws IOException {
    int context = Codec.decode(SockclntCreate.TYPE, readFrame(c)).context();
    c.write(Codec.frame(new SockclntCreateReply(0, 7, TABLE), 16, 0, context));
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void twoGigabyteClaimInTheTableReply_failsTheConnectAtOnce() throws Exception {
    for (long claimed : new long[] {0x7fff_ffffL, 0x8000_0000L, 2_000_000_000L}) {
      Path path = dir.resolve("api-" + claimed + ".sock");
      try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
        server.bind(UnixDomainSocketAddress.of(path));
        CompletableFuture<Void> fake =
            CompletableFuture.runAsync(
                () -> {
                  try (SocketChannel c = server.accept()) {
                    readFrame(c);
                    c.write(claim(claimed));
                    readFrame(c); // blocks until the client closes
                  } catch (IOException e) {
                    // the client closed the link: expected
                  }
                });
        Refusals refusals = new Refusals();
        assertThatThrownBy(() -> VppConnection.connect(path, "limit", TIMEOUT, List.of(), refusals))
            .isInstanceOf(VppException.class)
            .hasMessage(
                "sockclnt_create: VPP sent a frame of "
                    + claimed
                    + " bytes, more than the limit of 16777216 bytes on the API socket "
                    + path);
        assertThat(refusals.claimed).as("refusals heard").containsExactly(claimed);
        fake.get(10, TimeUnit.SECONDS); // the client closed its end
      }
    }
  }

  /**
   * 80 MB claimed mid-session: pending calls fail with the reason, the link closes, and the next
   * connection to the same VPP works, as the daemon's reconnect needs.
   */
  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void eightyMegabyteClaimMidSession_closesTheLink_andAReconnectWorks() throws Exception {
    Path path = dir.resolve("api.sock");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(path));
      CompletableFuture<Void> fake =
          CompletableFuture.runAsync(
              () -> {
                try {
                  try (SocketChannel first = server.accept()) {
                    answerCreate(first);
                    readFrame(first); // the ping
                    first.write(claim(80_000_000L));
                    try {
                      readFrame(first);
                    } catch (IOException e) {
                      // closed by the client
                    }
                  }
                  try (SocketChannel second = server.accept()) {
                    answerCreate(second);
                    int ping = Codec.decode(ControlPing.TYPE, readFrame(second)).context();
                    second.write(Codec.frame(new ControlPingReply(0, 7, 99), 524, 0, ping));
                    int delete = Codec.decode(SockclntDelete.TYPE, readFrame(second)).context();
                    second.write(Codec.frame(new SockclntDeleteReply(1), 18, 0, delete));
                  }
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      Refusals refusals = new Refusals();
      VppConnection first = VppConnection.connect(path, "limit", TIMEOUT, List.of(), refusals);
      CompletableFuture<ControlPingReply> ping =
          first.call(new ControlPing(), ControlPingReply.TYPE, "control_ping");
      assertThatThrownBy(() -> VppConnection.await(ping))
          .isInstanceOf(VppException.class)
          .hasMessage(
              "control_ping: VPP sent a frame of 80000000 bytes, more than the limit of 16777216"
                  + " bytes on the API socket "
                  + path);
      first.closed().get(10, TimeUnit.SECONDS);
      assertThat(first.isOpen()).isFalse();
      assertThat(refusals.claimed).as("refusals heard").containsExactly(80_000_000L);

      try (VppConnection second = VppConnection.connect(path, "limit", TIMEOUT, List.of())) {
        assertThat(second.callSync(new ControlPing(), ControlPingReply.TYPE, "ping").vpePid())
            .isEqualTo(99);
      }
      fake.get(10, TimeUnit.SECONDS);
    }
  }

  /** A frame within the limit gets memory as its bytes arrive, not as its header claims. */
  @Test
  void bufferGrowsWithTheBytesThatArrived_andShrinksAfterALongFrame() {
    List<ByteBuffer> frames = new ArrayList<>();
    int length = 8 << 20;
    ByteBuffer in = ByteBuffer.allocate(ApiSocket.READ_BUFFER_SIZE);
    in.putLong(0).putInt(length).putInt(0);
    int sent = 0;
    // fill the buffer the way the reader does, one full buffer at a time
    while (in.hasRemaining()) {
      in.put((byte) 1);
      sent++;
    }
    in = ApiSocket.dispatchFrames(in.flip(), frames::add);
    assertThat(in.capacity()).isEqualTo(2 * ApiSocket.READ_BUFFER_SIZE);
    in.compact();
    while (sent < length) {
      if (!in.hasRemaining()) {
        in = ApiSocket.dispatchFrames(in.flip(), frames::add);
        in.compact();
        assertThat(in.capacity()).isLessThanOrEqualTo(16 + length);
        continue;
      }
      in.put((byte) 1);
      sent++;
    }
    assertThat(frames).isEmpty();
    in = ApiSocket.dispatchFrames(in.flip(), frames::add);
    assertThat(frames).hasSize(1);
    assertThat(frames.get(0).remaining()).isEqualTo(length);
    assertThat(in.capacity()).isEqualTo(ApiSocket.READ_BUFFER_SIZE);
  }

  @Test
  void lengthsOutOfBounds_areNamedWithTheLimit() {
    assertThatThrownBy(() -> Codec.checkedBodyLength(claim(1)))
        .isInstanceOf(VppException.class)
        .hasMessage("VPP sent a frame of 1 bytes (expected: at least the 2-byte message id)");
    assertThatThrownBy(() -> Codec.checkedBodyLength(claim(0xffff_ffffL)))
        .isInstanceOf(FrameTooLongException.class)
        .hasMessage("VPP sent a frame of 4294967295 bytes, more than the limit of 16777216 bytes");
    assertThat(Codec.checkedBodyLength(claim(Codec.MAX_BODY_LENGTH)))
        .isEqualTo(Codec.MAX_BODY_LENGTH);
  }
}
