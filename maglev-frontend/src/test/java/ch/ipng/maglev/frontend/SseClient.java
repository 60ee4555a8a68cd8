package ch.ipng.maglev.frontend;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/** A test's browser: reads an event stream over HTTP and keeps every event it parsed. */
public final class SseClient implements AutoCloseable {
  /** One parsed event; id is "" when the event had none. */
  public record Received(String id, String event, String data) {}

  public final List<Received> events = new CopyOnWriteArrayList<>();
  public final List<String> comments = new CopyOnWriteArrayList<>();
  public final HttpResponse<InputStream> response;
  private final Thread reader;
  private volatile boolean ended;

  private SseClient(HttpResponse<InputStream> response) {
    this.response = response;
    this.reader = Thread.ofVirtual().start(this::read);
  }

  public static SseClient connect(URI uri, @Nullable String lastEventId)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET();
    if (lastEventId != null) {
      b.header("Last-Event-ID", lastEventId);
    }
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    return new SseClient(http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream()));
  }

  private void read() {
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String id = "";
      String event = "message";
      StringBuilder data = new StringBuilder();
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.isEmpty()) {
          if (!data.isEmpty()) {
            events.add(new Received(id, event, data.toString()));
          }
          id = "";
          event = "message";
          data.setLength(0);
        } else if (line.startsWith(":")) {
          comments.add(line);
        } else if (line.startsWith("id: ")) {
          id = line.substring(4);
        } else if (line.startsWith("event: ")) {
          event = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data.append(line.substring(6));
        } else if (line.startsWith("retry: ")) {
          comments.add(line);
        }
      }
    } catch (IOException e) {
      // closed by the test or the server
    } finally {
      ended = true;
    }
  }

  /** Whether the server ended the stream. */
  public boolean ended() {
    return ended;
  }

  public String lastId() {
    for (int i = events.size() - 1; i >= 0; i--) {
      if (!events.get(i).id().isEmpty()) {
        return events.get(i).id();
      }
    }
    return "";
  }

  @Override
  public void close() throws IOException {
    response.body().close();
    reader.interrupt();
  }
}
