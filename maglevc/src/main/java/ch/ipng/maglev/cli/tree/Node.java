package ch.ipng.maglev.cli.tree;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One word position in the command tree: a fixed keyword ("show") or a slot that takes a value
 * ("<name>"). A node with an action completes a command; options nodes loop back so their children
 * may follow in any order.
 */
public final class Node {
  private final @Nullable String keyword;
  private final @Nullable Slot slot;
  private final String help;
  private final List<Node> children = new ArrayList<>();
  private @Nullable Action action;
  private boolean options;

  private Node(@Nullable String keyword, @Nullable Slot slot, String help) {
    this.keyword = keyword;
    this.slot = slot;
    this.help = help;
  }

  /** The root of a tree. */
  public static Node root() {
    return new Node(null, null, "");
  }

  /** Adds a keyword child and returns it. */
  public Node word(String word, String help) {
    Node n = new Node(word, null, help);
    children.add(n);
    return n;
  }

  /** Adds a slot child and returns it. */
  public Node slot(Slot slot, String help) {
    Node n = new Node(null, slot, help);
    children.add(n);
    return n;
  }

  /** Makes this node complete a command. */
  public Node action(Action a) {
    this.action = a;
    return this;
  }

  /**
   * Marks this node's children as options: after one of them (and its own children) is consumed,
   * the others may follow. The node's action runs with whatever options were given.
   */
  public Node options() {
    this.options = true;
    return this;
  }

  public @Nullable String keyword() {
    return keyword;
  }

  public @Nullable Slot slotKind() {
    return slot;
  }

  public String help() {
    return help;
  }

  public List<Node> children() {
    return children;
  }

  public @Nullable Action action() {
    return action;
  }

  boolean isOptions() {
    return options;
  }

  /** How the node is shown in help: the keyword, or "<slot>". */
  public String label() {
    return keyword != null ? keyword : "<" + java.util.Objects.requireNonNull(slot).label() + ">";
  }

  /** What a slot takes; names complete from live data. */
  public enum Slot {
    FRONTEND("frontend"),
    BACKEND("backend"),
    POOL("pool"),
    HEALTHCHECK("healthcheck"),
    WEIGHT("0-100"),
    COUNT("n"),
    LEVEL("level"),
    SOURCE("src[:port]"),
    DESTINATION("dst:port"),
    PROTOCOL("tcp|udp"),
    /** Free text, one word: quote it in the shell ("kernel upgrade"). */
    TEXT("text"),
    /** A duration in Go syntax: 90s, 30m, 2h, 1h30m. */
    DURATION("duration");

    private final String label;

    Slot(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }

    /** Whether {@code word} can fill the slot; names are checked by the server. */
    public boolean accepts(String word) {
      return switch (this) {
        case WEIGHT -> word.matches("\\d{1,3}") && Integer.parseInt(word) <= 100;
        case COUNT -> word.matches("\\d{1,9}") && Integer.parseInt(word) > 0;
        case LEVEL -> List.of("debug", "info", "warn", "error").contains(word);
        case PROTOCOL -> List.of("tcp", "udp").contains(word);
        case DURATION -> word.matches("(\\d+(\\.\\d+)?(ns|us|µs|ms|s|m|h))+");
        default -> !word.isEmpty();
      };
    }

    /** The fixed values of the slot, for completion; empty when they come from the server. */
    public List<String> fixedValues() {
      return switch (this) {
        case LEVEL -> List.of("debug", "info", "warn", "error");
        case PROTOCOL -> List.of("tcp", "udp");
        default -> List.of();
      };
    }
  }

  /** What a complete command does with its parsed words. */
  @FunctionalInterface
  public interface Action {
    void run(Invocation invocation) throws Exception;
  }
}
