/** What every maglev program shares: its build version, listen addresses and log levels. */
@NullMarked
package ch.ipng.maglev.common;

import org.jspecify.annotations.NullMarked;
