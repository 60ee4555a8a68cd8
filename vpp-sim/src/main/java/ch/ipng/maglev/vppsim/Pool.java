package ch.ipng.maglev.vppsim;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A VPP pool: elements live at stable indexes, and a freed index is the next one handed out (last
 * freed first) before the pool grows. Indexes are visible on the API, so the order matters.
 */
final class Pool<T> {
  /** The slots by index, null for free ones; read-only use outside this class. */
  final List<@Nullable T> slots = new ArrayList<>();

  private final Deque<Integer> free = new ArrayDeque<>();

  /** The index the next {@link #put} should use. */
  int claim() {
    return free.isEmpty() ? slots.size() : free.pop();
  }

  /** Stores {@code element} at an index from {@link #claim}. */
  void put(int index, @Nullable T element) {
    if (index == slots.size()) {
      slots.add(element);
    } else {
      slots.set(index, element);
    }
  }

  /** Empties a slot and queues its index for reuse. */
  void free(int index) {
    slots.set(index, null);
    free.push(index);
  }
}
