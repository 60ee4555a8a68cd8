package ch.ipng.maglev.frontend.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.frontend.sse.SseBroker;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Requests the decoder cannot read are answered 400, 414 or 431 with a JSON error, and the
 * connection is closed: never a 404 for a made-up path, never served.
 */
class MalformedRequestTest {
  FrontendServer server;

  @BeforeEach
  void start() throws Exception {
    server =
        FrontendServer.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            FrontendServerTest.API,
            SseBroker.create(Clock.systemUTC()),
            Optional.empty(),
            (a, u, r) -> {
              throw new AssertionError("no admin here");
            },
            HttpLimits.DEFAULTS.withMaxUriLength(1024).withMaxHeaderSize(2048));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  String send(String request) throws Exception {
    return RawHttp.exchange(server.address(), request);
  }

  @Test
  void aMalformedRequestLine_is400_andClosed() throws Exception {
    String r = send("GARBAGE\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(RawHttp.status(r)).isEqualTo(400);
    assertThat(r).contains("connection: close").contains("{\"error\":\"malformed request: ");
    assertThat(r).doesNotContain("no such page").doesNotContain("ok\n");
  }

  @Test
  void anOverLongTarget_is414() throws Exception {
    String r = send("GET /view/" + "a".repeat(1100) + " HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(RawHttp.status(r)).isEqualTo(414);
    assertThat(r)
        .contains(
            "{\"error\":\"request line too long (expected: a target of at most 1024 bytes)\"}");
    // far over it: the decoder stops reading the line
    String far = send("GET /" + "a".repeat(100_000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(RawHttp.status(far)).isEqualTo(414);
  }

  @Test
  void overLargeHeaderFields_are431() throws Exception {
    String r = send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(3000) + "\r\n\r\n");
    assertThat(RawHttp.status(r)).isEqualTo(431);
    assertThat(r).contains("header fields too large (expected: at most 2048 bytes)");
  }

  @Test
  void bareLineFeeds_are400() throws Exception {
    String r = send("GET /healthz HTTP/1.1\nHost: x\n\n");
    assertThat(RawHttp.status(r)).isEqualTo(400);
    assertThat(r).doesNotContain("no such page");
  }

  @Test
  void contentLengthWithChunked_is400_andClosed_theSmuggledRequestUnanswered() throws Exception {
    String r =
        send(
            "POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n"
                + "0\r\n\r\nGET /view/api/state HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(RawHttp.status(r)).isEqualTo(400);
    assertThat(r)
        .contains("Content-Length and Transfer-Encoding: chunked in one request")
        .contains("connection: close");
    assertThat(r.split("HTTP/1.1 ", -1)).hasSize(2); // one answer, not two
  }

  @Test
  void aGoodRequest_isStillAnswered() throws Exception {
    String r = send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(RawHttp.status(r)).isEqualTo(200);
    assertThat(r).endsWith("ok\n");
  }
}
