/**
 * What every maglev program shares: its build version, the launcher's shared flags, listen
 * addresses and log levels.
 */
@NullMarked
package ch.ipng.maglev.common;

import org.jspecify.annotations.NullMarked;
