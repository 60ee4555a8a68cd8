package ch.ipng.maglev.daemon.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The /metrics listener against clients that do not play along. */
class MetricsServerTest {
  // a scrape of some size, as a real one is (tens of KB)
  static final String BODY = "maglev_metric 1\n".repeat(2_000);

  @Test
  void aClientThatPipelinesAndNeverReads_isClosed_andOthersStillScrape() throws Exception {
    AtomicInteger scrapes = new AtomicInteger();
    try (MetricsServer server =
        MetricsServer.start(
            new InetSocketAddress("127.0.0.1", 0),
            () -> {
              scrapes.incrementAndGet();
              return BODY;
            })) {
      InetSocketAddress at = server.address();
      try (Socket greedy = new Socket()) {
        greedy.setReceiveBufferSize(4096);
        greedy.connect(at, 5000);
        greedy.setSoTimeout(10_000);
        byte[] request =
            "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        OutputStream out = greedy.getOutputStream();
        boolean cut = false;
        try {
          for (int i = 0; i < 20_000; i++) {
            out.write(request); // 20,000 scrapes of 32 KB each asked for, none read
          }
          out.flush();
        } catch (SocketException e) {
          cut = true; // the server closed it while we were still asking
        }
        if (!cut) {
          // the server stops answering (and closes) long before 20,000 answers are queued
          InputStream in = greedy.getInputStream();
          ByteArrayOutputStream got = new ByteArrayOutputStream();
          try {
            in.transferTo(got);
          } catch (SocketException e) {
            // reset: closed with unread requests
          }
        }
      }
      // held back: far fewer scrapes than requests (a loaded machine measured 1,009 once: the
      // kernel buffers take some answers before the channel reports it cannot write)
      assertThat(scrapes.get()).isLessThan(10_000);
      HttpResponse<String> ok =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + at.getPort() + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(ok.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aRequestTheDecoderRefuses_isAnswered400_not404() throws Exception {
    try (MetricsServer server =
            MetricsServer.start(new InetSocketAddress("127.0.0.1", 0), () -> BODY);
        Socket s = new Socket()) {
      s.connect(server.address(), 5000);
      s.setSoTimeout(10_000);
      s.getOutputStream()
          .write(
              ("GET /" + "x".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      assertThat(answer).startsWith("HTTP/1.1 400");
    }
  }
}
