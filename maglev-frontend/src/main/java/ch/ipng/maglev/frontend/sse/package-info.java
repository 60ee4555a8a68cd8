/** The Server-Sent Events broker: event ids, the replay ring and bounded per-client queues. */
@NullMarked
package ch.ipng.maglev.frontend.sse;

import org.jspecify.annotations.NullMarked;
