/** The rise/fall state machine and the effective-weight table: pure functions, no I/O. */
@NullMarked
package ch.ipng.maglev.daemon.health;

import org.jspecify.annotations.NullMarked;
