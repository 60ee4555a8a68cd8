package ch.ipng.maglev.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class FailFastTest {
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
  private final List<Integer> halts = new CopyOnWriteArrayList<>();
  private final FailFast failFast =
      FailFast.of(
          new PrintStream(buffer, true, StandardCharsets.UTF_8),
          halts::add,
          Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC));

  private String out() {
    return buffer.toString(StandardCharsets.UTF_8);
  }

  @Test
  void isFatal_findsAVirtualMachineErrorInTheCauseChain() {
    assertThat(FailFast.isFatal(new OutOfMemoryError("Java heap space"))).isTrue();
    assertThat(FailFast.isFatal(new StackOverflowError())).isTrue();
    assertThat(FailFast.isFatal(new RuntimeException(new InternalError("x")))).isTrue();
    assertThat(FailFast.isFatal(new IllegalStateException("no"))).isFalse();
    assertThat(FailFast.isFatal(new AssertionError("no"))).isFalse();
    assertThat(FailFast.isFatal(null)).isFalse();
  }

  @Test
  void uncaughtStackOverflow_writesOneJsonLine_andHaltsWith70() {
    Thread t = new Thread(() -> {}, "icmp-reader");
    failFast.uncaughtException(t, new StackOverflowError());
    assertThat(halts).containsExactly(70);
    assertThat(out())
        .startsWith(
            "{\"time\":\"2026-01-02T03:04:05Z\",\"level\":\"ERROR\",\"msg\":\"fatal-error\","
                + "\"thread\":\"icmp-reader\",\"error\":\"java.lang.StackOverflowError at ")
        .endsWith(",\"exit_status\":\"70\"}\n")
        .containsOnlyOnce("\n");
  }

  @Test
  void aWrappedOutOfMemoryError_isNamed_andQuotesAreEscaped() {
    failFast.uncaughtException(
        new Thread(() -> {}, "a \"quoted\" name"),
        new RuntimeException("wrapper", new OutOfMemoryError("Java heap space")));
    assertThat(halts).containsExactly(70);
    assertThat(out())
        .contains("\"thread\":\"a \\\"quoted\\\" name\"")
        .contains("\"error\":\"java.lang.OutOfMemoryError: Java heap space");
  }

  @Test
  void twoFatalErrors_printOneLine_butBothHalt() {
    failFast.uncaughtException(new Thread(() -> {}, "one"), new OutOfMemoryError());
    failFast.uncaughtException(new Thread(() -> {}, "two"), new StackOverflowError());
    assertThat(halts).containsExactly(70, 70);
    assertThat(out()).containsOnlyOnce("fatal-error").contains("\"thread\":\"one\"");
  }

  @Test
  void aNonFatalUncaughtException_doesNotHalt() {
    failFast.uncaughtException(new Thread(() -> {}, "x"), new IllegalStateException("boom"));
    assertThat(halts).isEmpty();
    assertThat(out()).isEmpty();
  }

  @Test
  void check_withoutAnInstalledHandler_returns() {
    FailFast.check(new OutOfMemoryError()); // no handler installed in this JVM: a no-op
    assertThat(halts).isEmpty();
  }
}
