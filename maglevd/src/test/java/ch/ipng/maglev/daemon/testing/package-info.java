/** Real servers on loopback for tests: HTTP, HTTPS, silent and closing TCP listeners. */
@NullMarked
package ch.ipng.maglev.daemon.testing;

import org.jspecify.annotations.NullMarked;
