/**
 * The event bus: backend and frontend transitions and log records, fanned out to bounded
 * subscribers.
 */
@NullMarked
package ch.ipng.maglev.daemon.events;

import org.jspecify.annotations.NullMarked;
