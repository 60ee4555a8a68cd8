package ch.ipng.maglev.cli;

import static ch.ipng.maglev.cli.Commands.json;

import ch.ipng.maglev.cli.Commands.CommandFailure;
import ch.ipng.maglev.cli.tree.Invocation;
import ch.ipng.maglev.cli.tree.Node;
import ch.ipng.maglev.proto.CheckConfigRequest;
import ch.ipng.maglev.proto.CheckConfigResponse;
import ch.ipng.maglev.proto.ReloadConfigRequest;

/** {@code config check} and {@code config reload}: maglevd's config file on disk. */
final class ConfigCommands {
  private final Session session;

  private ConfigCommands(Session session) {
    this.session = session;
  }

  /** Adds {@code config} under {@code root}. */
  static void addTo(Node root, Session session) {
    ConfigCommands c = new ConfigCommands(session);
    Node config = root.word("config", "maglevd's config file");
    config.word("check", "validate the file on disk").action(c::configCheck);
    config.word("reload", "validate and apply the file on disk").action(c::configReload);
  }

  private Output out() {
    return session.output();
  }

  private void configCheck(Invocation inv) throws Exception {
    CheckConfigResponse r = session.stub().checkConfig(CheckConfigRequest.getDefaultInstance());
    if (json(session, r)) {
      return;
    }
    report(r.getOk(), r.getParseError(), r.getSemanticError(), "config ok");
  }

  private void configReload(Invocation inv) throws Exception {
    var r = session.stub().reloadConfig(ReloadConfigRequest.getDefaultInstance());
    if (json(session, r)) {
      return;
    }
    report(r.getOk(), r.getParseError(), r.getSemanticError(), "config reloaded");
  }

  private void report(boolean ok, String parse, String semantic, String success) {
    if (ok) {
      out().line(success);
      return;
    }
    throw new CommandFailure(
        (parse.isEmpty() ? "semantic error:\n" + semantic : "parse error:\n" + parse).strip());
  }
}
