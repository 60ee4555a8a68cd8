package ch.ipng.maglev.frontend.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.frontend.sse.SseBroker;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Asking for many names that do not exist does not grow the page's file cache. */
class StaticFilesBoundTest {
  static final int NAMES = 20_000;

  FrontendServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void twentyThousandUniqueMissingAssets_cacheNothing_andTheApiStillAnswers() throws Exception {
    server =
        FrontendServer.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            FrontendServerTest.API,
            SseBroker.create(Clock.systemUTC()));
    String filler = "x".repeat(1000);
    try (Socket s = RawHttp.connect(server.address())) {
      // pipelined on one connection: a writer sends them all while this thread counts answers
      OutputStream out = s.getOutputStream();
      CompletableFuture<Void> writer =
          CompletableFuture.runAsync(
              () -> {
                try {
                  for (int i = 0; i < NAMES; i++) {
                    out.write(
                        ("GET /view/assets/" + i + "-" + filler + ".js HTTP/1.1\r\nHost: x\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                  }
                  out.write(
                      "GET /view/assets/app-abc123.js HTTP/1.1\r\nHost: x\r\n\r\n"
                          .getBytes(StandardCharsets.US_ASCII));
                  out.flush();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16);
      int notFound = 0;
      for (int i = 0; i < NAMES; i++) {
        String status = statusAndSkip(in);
        if (status.equals("404")) {
          notFound++;
        }
      }
      assertThat(statusAndSkip(in)).isEqualTo("200");
      writer.join();
      assertThat(notFound).isEqualTo(NAMES);
    }
    // only the one file that exists is kept
    assertThat(server.cachedFiles()).isEqualTo(1);
    String state =
        RawHttp.exchange(
            server.address(),
            "GET /view/api/state HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(RawHttp.status(state)).isEqualTo(200);
    assertThat(state).endsWith("[{\"maglevd\":\"lb0\"}]");
  }

  /** Reads one answer (status line, headers, Content-Length bytes) and returns its status. */
  private static String statusAndSkip(InputStream in) throws Exception {
    String status = line(in).substring(9, 12);
    int length = 0;
    for (String h; !(h = line(in)).isEmpty(); ) {
      if (h.regionMatches(true, 0, "content-length:", 0, 15)) {
        length = Integer.parseInt(h.substring(15).strip());
      }
    }
    assertThat(in.readNBytes(length)).hasSize(length);
    return status;
  }

  private static String line(InputStream in) throws Exception {
    StringBuilder b = new StringBuilder();
    for (int c; (c = in.read()) != '\n'; ) {
      assertThat(c).as("the connection ended early").isNotNegative();
      if (c != '\r') {
        b.append((char) c);
      }
    }
    return b.toString();
  }
}
