package ch.ipng.maglev.daemon.fleet;

import ch.ipng.maglev.vpp.maglev.MaglevTable;
import ch.ipng.maglev.vpp.maglev.TableDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Table digests remembered from one pass over every VIP to the next, keyed on exactly what a table
 * is computed from (its length and its servers in order, with address, weight and active flag), so
 * a table is computed again only when one of those changed. It holds what the last two passes used
 * and nothing else: at most two entries per VIP and table. Not thread-safe: one owner, one pass at
 * a time.
 */
public final class DigestMemo {
  private record Key(int length, List<MaglevTable.Server> servers) {}

  private Map<Key, String> previous = new HashMap<>();
  private Map<Key, String> current = new HashMap<>();
  private long computed;

  private DigestMemo() {}

  /** An empty memo, which remembers from one pass to the next. */
  public static DigestMemo create() {
    return new DigestMemo();
  }

  /** The digest of the table of {@code length} buckets built from {@code servers}. */
  String digest(int length, List<MaglevTable.Server> servers) {
    Key key = new Key(length, List.copyOf(servers));
    String digest = current.get(key);
    if (digest == null) {
      digest = previous.get(key);
      if (digest == null) {
        digest = TableDigest.of(length, servers);
        computed++;
      }
      current.put(key, digest);
    }
    return digest;
  }

  /** A pass over every VIP is done: what it did not use is forgotten after the next one. */
  void passDone() {
    previous = current;
    current = new HashMap<>();
  }

  /** How many tables were computed (not found in the memo) so far. */
  public long computed() {
    return computed;
  }
}
