package ch.ipng.maglev.cli.tree;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.cli.tree.Node.Slot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResolverTest {
  final List<String> ran = new ArrayList<>();

  Node.Action record(String name) {
    return inv -> ran.add(name + " " + inv.values());
  }

  Resolver resolver() {
    Node root = Node.root();
    Node show = root.word("show", "show");
    show.word("frontends", "all").action(record("frontends"));
    show.word("frontend", "one").slot(Slot.FRONTEND, "name").action(record("frontend"));
    show.word("backends", "all").action(record("backends"));
    show.word("backend", "one").slot(Slot.BACKEND, "name").action(record("backend"));
    root.word("sync", "sync").word("vpp", "vpp").action(record("sync"));
    Node set = root.word("set", "set");
    Node b = set.word("backend", "b").slot(Slot.BACKEND, "name");
    b.word("pause", "p").action(record("pause"));
    b.word("resume", "r").action(record("resume"));
    Node events = root.word("watch", "w").word("events", "e").options().action(record("watch"));
    events.word("num", "n").slot(Slot.COUNT, "n");
    events.word("log", "l").word("level", "lv").slot(Slot.LEVEL, "level");
    events.word("backend", "b");
    return new Resolver(root);
  }

  Resolver.Result resolve(String line) {
    return resolver().resolve(Arrays.asList(line.split(" ")));
  }

  String run(String line) throws Exception {
    Resolver.Result r = resolve(line);
    assertThat(r).as(line).isInstanceOf(Resolver.Result.Command.class);
    Resolver.Result.Command c = (Resolver.Result.Command) r;
    c.action().run(c.invocation());
    return ran.get(ran.size() - 1);
  }

  String error(String line) {
    Resolver.Result r = resolve(line);
    assertThat(r).as(line).isInstanceOf(Resolver.Result.Error.class);
    return ((Resolver.Result.Error) r).message();
  }

  @Test
  void prefixes_resolveWhenTheLineAllowsOnlyOneReading() throws Exception {
    assertThat(run("sh fr")).isEqualTo("frontends []");
    assertThat(run("sh frontend web")).isEqualTo("frontend [FRONTEND=web]");
    assertThat(run("sh fr web")).isEqualTo("frontend [FRONTEND=web]");
    assertThat(run("sh ba")).isEqualTo("backends []");
    assertThat(run("show backend nginx0")).isEqualTo("backend [BACKEND=nginx0]");
    assertThat(run("se b nginx0 p")).isEqualTo("pause [BACKEND=nginx0]");
    assertThat(run("sy v")).isEqualTo("sync []");
  }

  @Test
  void exactKeyword_winsOverLongerOnes() throws Exception {
    // "backend" is exact, so "backends" is not considered even though it also matches.
    assertThat(run("show backend x")).isEqualTo("backend [BACKEND=x]");
  }

  @Test
  void ambiguousPrefix_listsTheCandidates() throws Exception {
    assertThat(error("s")).isEqualTo("ambiguous word \"s\": could be show, sync, set");
    assertThat(run("show b")).isEqualTo("backends []");
  }

  @Test
  void unknownWords_areNamed() {
    assertThat(error("show bogus things"))
        .isEqualTo(
            "unknown words \"bogus things\" after \"show\"; expected: frontends, frontend, backends, backend");
    assertThat(error("frobnicate"))
        .isEqualTo("unknown word \"frobnicate\"; expected: show, sync, set, watch");
    assertThat(error("show frontends extra"))
        .startsWith("unknown word \"extra\" after \"show frontends\"");
  }

  @Test
  void incompleteCommand_saysWhatIsExpected() {
    assertThat(error("show frontend"))
        .isEqualTo("incomplete command \"show frontend\"; expected: <frontend>");
    assertThat(error("set backend x"))
        .isEqualTo("incomplete command \"set backend x\"; expected: pause, resume");
  }

  @Test
  void options_inAnyOrder() throws Exception {
    assertThat(run("watch events")).isEqualTo("watch []");
    assertThat(run("watch events num 5 backend")).isEqualTo("watch [COUNT=5]");
    assertThat(run("wa ev backend log level debug num 3"))
        .isEqualTo("watch [LEVEL=debug, COUNT=3]");
    assertThat(error("watch events num x")).startsWith("unknown word \"x\"");
    assertThat(error("watch events log level loud")).startsWith("unknown word \"loud\"");
  }

  @Test
  void next_listsWhatMayFollow() {
    Resolver r = resolver();
    assertThat(r.next(List.of("show"), "f"))
        .extracting(Node::label)
        .containsExactly("frontends", "frontend");
    assertThat(r.next(List.of("show", "backend"), ""))
        .extracting(Node::label)
        .containsExactly("<backend>");
    assertThat(r.next(List.of("sh"), ""))
        .extracting(Node::label)
        .containsExactly("frontends", "frontend", "backends", "backend");
    assertThat(r.next(List.of(), "s"))
        .extracting(Node::label)
        .containsExactly("show", "sync", "set");
    assertThat(r.completes(List.of("sh", "fr"))).isTrue();
    assertThat(r.completes(List.of("show", "frontend"))).isFalse();
  }
}
