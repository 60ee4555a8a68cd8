package ch.ipng.maglev.vpp.api;

import ch.ipng.maglev.vpp.api.msg.MessageTableEntry;
import ch.ipng.maglev.vpp.api.msg.Messages;
import ch.ipng.maglev.vpp.api.msg.SockclntCreateReply;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * VPP's message table as one connection sees it: the id VPP assigned to each message (by name and
 * CRC) and the reverse lookup the reader needs. Immutable, so the connection swaps in the full
 * table in one step once sockclnt_create has answered.
 */
final class MessageIds {
  /** sockclnt_create and its reply have fixed ids: they are how a client learns all the others. */
  static final int SOCKCLNT_CREATE_ID = 15;

  private static final int SOCKCLNT_CREATE_REPLY_ID = 16;

  private final Path path;
  private final Map<String, Integer> table;
  private final MessageType<?>[] byId;

  private MessageIds(Path path, Map<String, Integer> table, MessageType<?>[] byId) {
    this.path = path;
    this.table = table;
    this.byId = byId;
  }

  /** Before registration: only sockclnt_create's reply can be read. */
  static MessageIds bootstrap(Path path) {
    MessageType<?>[] ids = new MessageType<?>[65536];
    ids[SOCKCLNT_CREATE_REPLY_ID] = SockclntCreateReply.TYPE;
    return new MessageIds(path, Map.of(), ids);
  }

  /**
   * The table from sockclnt_create's reply, with every message this client knows that VPP has.
   *
   * @throws VppErrorException when VPP refused the registration
   */
  static MessageIds of(Path path, SockclntCreateReply reply) {
    if (reply.response() != 0) {
      throw new VppErrorException("sockclnt_create", reply.response());
    }
    Map<String, Integer> names = new HashMap<>();
    for (MessageTableEntry e : reply.messageTable()) {
      names.put(e.name(), e.index());
    }
    MessageType<?>[] ids = new MessageType<?>[65536];
    for (MessageType<?> t : Messages.ALL) {
      Integer id = names.get(t.nameCrc());
      if (id != null) {
        ids[id] = t;
      }
    }
    ids[SOCKCLNT_CREATE_REPLY_ID] = SockclntCreateReply.TYPE;
    return new MessageIds(path, Map.copyOf(names), ids);
  }

  /** The message VPP sends with this id, or null when this client does not know it. */
  @Nullable MessageType<?> type(int id) {
    return byId[id];
  }

  boolean has(MessageType<?> type) {
    return table.containsKey(type.nameCrc());
  }

  int id(MessageType<?> type) {
    Integer id = table.get(type.nameCrc());
    if (id == null) {
      throw new VppException("VPP at " + path + " has no message " + type.nameCrc());
    }
    return id;
  }

  /**
   * Checks that VPP has every message in {@code required} with the same CRC.
   *
   * @throws VppException naming every message that is missing or whose definition changed
   */
  void checkPresent(Collection<MessageType<?>> required) {
    List<String> problems = new ArrayList<>();
    for (MessageType<?> t : required) {
      if (table.containsKey(t.nameCrc())) {
        continue;
      }
      String other =
          table.keySet().stream()
              .filter(k -> k.length() == t.nameCrc().length() && k.startsWith(t.name() + "_"))
              .findFirst()
              .orElse(null);
      problems.add(
          other == null
              ? t.nameCrc() + " (not in VPP's message table)"
              : t.nameCrc() + " (VPP has " + other + ": its definition changed)");
    }
    if (!problems.isEmpty()) {
      throw new VppException(
          "VPP at " + path + " lacks messages this client needs: " + String.join(", ", problems));
    }
  }
}
