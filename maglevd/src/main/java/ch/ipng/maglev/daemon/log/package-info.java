/** JSON log lines in the original's shape, and the fan-out of log records to event subscribers. */
@NullMarked
package ch.ipng.maglev.daemon.log;

import org.jspecify.annotations.NullMarked;
