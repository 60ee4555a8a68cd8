/**
 * What every maglev program shares: its build version, the launcher's shared flags, listen
 * addresses, log levels, Go durations, input cut short for messages, a wrapper that keeps periodic
 * tasks alive and a compact map over shared keys.
 */
@NullMarked
package ch.ipng.maglev.common;

import org.jspecify.annotations.NullMarked;
