package ch.ipng.maglev.config;

import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.parser.Parser;

/**
 * A parser that refuses documents nested deeper than {@link ConfigLoader#MAX_DEPTH}: it counts the
 * collections the events open and close, and throws {@link TooDeep} at the first one too many,
 * before the (recursive) composer descends into it. snakeyaml-engine 3 has no such setting.
 */
final class DepthLimit implements Parser {
  private final Parser parser;
  private final int max;
  private int depth;

  DepthLimit(Parser parser) {
    this(parser, ConfigLoader.MAX_DEPTH);
  }

  DepthLimit(Parser parser, int max) {
    this.parser = parser;
    this.max = max;
  }

  /** The document nests collections deeper than the limit. */
  static final class TooDeep extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int line;
    final int column;

    TooDeep(int max, int line, int column) {
      super("nested deeper than " + max + " levels of mappings and lists");
      this.line = line;
      this.column = column;
    }
  }

  @Override
  public boolean checkEvent(Event.ID choice) {
    return parser.checkEvent(choice);
  }

  @Override
  public Event peekEvent() {
    return parser.peekEvent();
  }

  @Override
  public boolean hasNext() {
    return parser.hasNext();
  }

  @Override
  public Event next() {
    Event e = parser.next();
    switch (e.getEventId()) {
      case MappingStart, SequenceStart -> {
        if (++depth > max) {
          int line = e.getStartMark().map(m -> m.getLine() + 1).orElse(0);
          int column = e.getStartMark().map(m -> m.getColumn() + 1).orElse(0);
          throw new TooDeep(max, line, column);
        }
      }
      case MappingEnd, SequenceEnd -> depth--;
      default -> {}
    }
    return e;
  }
}
