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
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
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
  void aFullQueueOfChecks_isAnsweredBusy_andTheBusyAddressMayTryAgain() throws Exception {
    Path users = dir.resolve("users");
    Files.writeString(users, "olga operator " + UsersTest.hash("o") + "\n");
    HeldBack checker = new HeldBack();
    checker.capacity = 2;
    AdminGate gate =
        new AdminGate(Users.of("--users", users, null, null), Clock.systemUTC(), checker);
    var a = gate.login(request("olga", "1"), LoginThrottleTest.address(1));
    var b = gate.login(request("olga", "2"), LoginThrottleTest.address(2));
    var c = gate.login(request("olga", "o"), LoginThrottleTest.address(3));
    assertThat(c.join()).isInstanceOf(AdminGate.Login.Busy.class);
    checker.runAll();
    assertThat(a.join()).isInstanceOf(AdminGate.Login.Refused.class);
    assertThat(b.join()).isInstanceOf(AdminGate.Login.Refused.class);
    var d = gate.login(request("olga", "o"), LoginThrottleTest.address(3));
    checker.runAll();
    assertThat(d.join()).isInstanceOf(AdminGate.Login.Allowed.class);
  }

  @Test
  void loggingInAsOneself_doesNotResetTheGuessesAtAnotherUsersPassword() throws Exception {
    Path users = dir.resolve("users");
    Files.writeString(
        users,
        "ada admin " + UsersTest.hash("ada-pw") + "\nmallory viewer " + UsersTest.hash("m") + "\n");
    HeldBack checker = new HeldBack();
    LoginThrottleTest.ManualClock clock = new LoginThrottleTest.ManualClock();
    AdminGate gate = new AdminGate(Users.of("--users", users, null, null), clock, checker);
    InetAddress client = InetAddress.getLoopbackAddress();
    List<String> answers = new ArrayList<>();
    for (int round = 0; round < 4; round++) {
      for (int i = 0; i < 4; i++) {
        var guess = gate.login(request("ada", "guess" + round + i), client);
        checker.runAll();
        answers.add(guess.join().getClass().getSimpleName());
      }
      // the first round's is checked in full, the later ones are remembered
      var own = gate.login(request("mallory", "m"), client);
      checker.runAll();
      assertThat(own.join()).isInstanceOf(AdminGate.Login.Allowed.class);
    }
    // four free guesses, the fifth is counted, and then the guesses at ada wait
    assertThat(answers.subList(0, 5)).containsOnly("Refused");
    assertThat(answers.subList(5, answers.size())).containsOnly("Throttled");
    assertThat(gate.login(request("ada", "ada-pw"), client).join())
        .isEqualTo(new AdminGate.Login.Throttled(Duration.ofSeconds(1)));
    clock.advance(Duration.ofSeconds(1));
    var right = gate.login(request("ada", "ada-pw"), client);
    checker.runAll();
    assertThat(right.join()).isInstanceOf(AdminGate.Login.Allowed.class);
  }

  @Test
  void anAddress_hasOneCheckAtATime_andConcurrentGuessesAreAnsweredAtOnceWithoutOne()
      throws Exception {
    Path users = dir.resolve("users");
    Files.writeString(users, "olga operator " + UsersTest.hash("o") + "\n");
    HeldBack checker = new HeldBack();
    checker.capacity = AdminGate.MAX_WAITING;
    LoginThrottleTest.ManualClock clock = new LoginThrottleTest.ManualClock();
    AdminGate gate = new AdminGate(Users.of("--users", users, null, null), clock, checker);
    InetAddress other = LoginThrottleTest.address(2);
    var olga = gate.login(request("olga", "o"), other);
    checker.runAll();
    assertThat(olga.join()).isInstanceOf(AdminGate.Login.Allowed.class);

    InetAddress client = LoginThrottleTest.address(1);
    List<CompletableFuture<AdminGate.Login>> burst = new ArrayList<>();
    for (int i = 0; i < AdminGate.MAX_WAITING; i++) {
      burst.add(gate.login(request("olga", "guess" + i), client));
    }
    // one check queued; the others answered at once, to come back in a second, unchecked
    assertThat(checker.waiting).hasSize(1);
    for (var later : burst.subList(1, burst.size())) {
      assertThat(later.join()).isEqualTo(new AdminGate.Login.Throttled(LoginThrottle.PENDING_WAIT));
    }
    // the queue is not the address's to fill: another address's login is still checked
    var fromOther = gate.login(request("olga", "wrong"), other);
    assertThat(checker.waiting).hasSize(2);
    // and a pair that was right before needs no check, so it is not held up
    assertThat(gate.login(request("olga", "o"), client).join())
        .isInstanceOf(AdminGate.Login.Allowed.class);
    checker.runAll();
    assertThat(burst.get(0).join()).isInstanceOf(AdminGate.Login.Refused.class);
    assertThat(fromOther.join()).isInstanceOf(AdminGate.Login.Refused.class);
    // done: the address may have its next check
    var next = gate.login(request("olga", "guess-next"), client);
    assertThat(checker.waiting).hasSize(1);
    checker.runAll();
    assertThat(next.join()).isInstanceOf(AdminGate.Login.Refused.class);
  }
}
