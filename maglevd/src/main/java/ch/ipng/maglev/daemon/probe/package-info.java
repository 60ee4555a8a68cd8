/** One prober per check type (http, https, tcp, icmp), optionally inside a network namespace. */
@NullMarked
package ch.ipng.maglev.daemon.probe;

import org.jspecify.annotations.NullMarked;
