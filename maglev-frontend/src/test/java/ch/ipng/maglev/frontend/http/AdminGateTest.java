package ch.ipng.maglev.frontend.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The password's check (PBKDF2, slow on purpose) runs on the gate's own executor, never on the
 * caller's thread (a Netty event loop): the answer comes when it is done, a pair that was right
 * once is answered at once, and a full queue of checks is answered Busy.
 */
class AdminGateTest {
  @TempDir Path dir;

  /** Runs nothing until told; refuses once {@code capacity} tasks wait. */
  static final class HeldBack implements Executor {
    final Queue<Runnable> waiting = new ArrayDeque<>();
    int capacity = 10;

    @Override
    public void execute(Runnable r) {
      if (waiting.size() >= capacity) {
        throw new RejectedExecutionException("full");
      }
      waiting.add(r);
    }

    void runAll() {
      for (Runnable r; (r = waiting.poll()) != null; ) {
        r.run();
      }
    }
  }

  static FullHttpRequest request(String user, String password) {
    FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/admin/");
    r.headers().set(HttpHeaderNames.AUTHORIZATION, AdminRoutesTest.basic(user, password));
    return r;
  }

  @Test
  void theCheckRunsOnTheGatesExecutor_andARightPairIsThenAnsweredAtOnce() throws Exception {
    Path users = dir.resolve("users");
    Files.writeString(users, "olga operator " + UsersTest.hash("o") + "\n");
    HeldBack checker = new HeldBack();
    AdminGate gate =
        new AdminGate(Users.of("--users", users, null, null), Clock.systemUTC(), checker);
    InetAddress client = InetAddress.getLoopbackAddress();

    var first = gate.login(request("olga", "o"), client);
    assertThat(first).isNotDone();
    assertThat(checker.waiting).hasSize(1);
    checker.runAll();
    assertThat(first.join())
        .isEqualTo(new AdminGate.Login.Allowed(new Users.Identity("olga", Role.OPERATOR)));

    // remembered: no check queued
    var again = gate.login(request("olga", "o"), client);
    assertThat(again).isDone();
    assertThat(again.join()).isInstanceOf(AdminGate.Login.Allowed.class);
    assertThat(checker.waiting).isEmpty();

    // a wrong password is checked in full, and refused when its check is done
    var wrong = gate.login(request("olga", "x"), client);
    assertThat(wrong).isNotDone();
    checker.runAll();
    assertThat(wrong.join()).isInstanceOf(AdminGate.Login.Refused.class);

    // no credentials, or credentials that are not basic ones: answered at once
    FullHttpRequest bare = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
    assertThat(gate.login(bare, client).join()).isInstanceOf(AdminGate.Login.Missing.class);
    FullHttpRequest bearer = request("olga", "o");
    bearer.headers().set(HttpHeaderNames.AUTHORIZATION, "Bearer x");
    assertThat(gate.login(bearer, client).join()).isInstanceOf(AdminGate.Login.Refused.class);
    assertThat(checker.waiting).isEmpty();
  }

  @Test
  void aFullQueueOfChecks_isAnsweredBusy() throws Exception {
    Path users = dir.resolve("users");
    Files.writeString(users, "olga operator " + UsersTest.hash("o") + "\n");
    HeldBack checker = new HeldBack();
    checker.capacity = 2;
    AdminGate gate =
        new AdminGate(Users.of("--users", users, null, null), Clock.systemUTC(), checker);
    InetAddress client = InetAddress.getLoopbackAddress();
    var a = gate.login(request("olga", "1"), client);
    var b = gate.login(request("olga", "2"), client);
    var c = gate.login(request("olga", "o"), client);
    assertThat(c.join()).isInstanceOf(AdminGate.Login.Busy.class);
    checker.runAll();
    assertThat(a.join()).isInstanceOf(AdminGate.Login.Refused.class);
    assertThat(b.join()).isInstanceOf(AdminGate.Login.Refused.class);
    var d = gate.login(request("olga", "o"), client);
    checker.runAll();
    assertThat(d.join()).isInstanceOf(AdminGate.Login.Allowed.class);
  }
}
