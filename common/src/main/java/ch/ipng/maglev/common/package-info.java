/**
 * What every maglev program shares: its build version, the launcher's shared flags, listen
 * addresses, log levels and a wrapper that keeps periodic tasks alive.
 */
@NullMarked
package ch.ipng.maglev.common;

import org.jspecify.annotations.NullMarked;
