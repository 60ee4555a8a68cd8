package ch.ipng.maglev.vppsim;

import ch.ipng.maglev.vpp.api.MessageType;
import ch.ipng.maglev.vpp.api.msg.MessageTableEntry;
import ch.ipng.maglev.vpp.api.msg.Messages;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.jspecify.annotations.Nullable;

/**
 * The message table a real VPP with only the lb plugin sent (850 entries), with ids that move on
 * every simulated restart: memclnt keeps its fixed 1..28, every other id is rotated by {@code
 * generation × 97} within the rest of the range, so no client can hard-code them. Generation 0 is
 * the captured table itself.
 */
final class MessageTable {
  private static final int FIXED = 28;
  private static final int ROTATION = 97;

  private final List<MessageTableEntry> entries;
  private final Map<String, Integer> idByName = new HashMap<>();
  private final @Nullable MessageType<?>[] typeById = new MessageType<?>[65536];

  MessageTable(int generation) {
    List<String[]> captured = load();
    int max = captured.stream().mapToInt(e -> Integer.parseInt(e[0])).max().orElse(FIXED);
    int span = max - FIXED;
    List<MessageTableEntry> list = new ArrayList<>();
    for (String[] e : captured) {
      int id = Integer.parseInt(e[0]);
      if (id > FIXED) {
        id = FIXED + 1 + Math.floorMod(id - FIXED - 1 + generation * ROTATION, span);
      }
      list.add(new MessageTableEntry(id, e[1]));
      idByName.put(e[1], id);
    }
    // VPP sends its table in hash order; any order will do as long as it is not sorted.
    Collections.shuffle(list, new Random(generation));
    this.entries = List.copyOf(list);
    for (MessageType<?> t : Messages.ALL) {
      Integer id = idByName.get(t.nameCrc());
      if (id != null) {
        typeById[id] = t;
      }
    }
  }

  private static List<String[]> load() {
    List<String[]> out = new ArrayList<>();
    try (InputStream in = MessageTable.class.getResourceAsStream("/vpp-message-table.txt");
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        String t = line.strip();
        if (!t.isEmpty() && !t.startsWith("#")) {
          out.add(t.split("\\s+"));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  List<MessageTableEntry> entries() {
    return entries;
  }

  /** The id of a message this table has, or -1. */
  int id(MessageType<?> type) {
    return idByName.getOrDefault(type.nameCrc(), -1);
  }

  /** The generated type of an id, or null for ids the simulator does not know. */
  @Nullable MessageType<?> type(int id) {
    return typeById[id];
  }

  /** The first id of a module's block, as get_first_msg_id reports it. */
  int firstId(String module) {
    int first = Integer.MAX_VALUE;
    for (MessageType<?> t : Messages.ALL) {
      if (t.module().equals(module) && idByName.containsKey(t.nameCrc())) {
        first = Math.min(first, idByName.get(t.nameCrc()));
      }
    }
    return first;
  }
}
