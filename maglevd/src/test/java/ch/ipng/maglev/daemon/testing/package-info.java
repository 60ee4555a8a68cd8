/**
 * Real servers and processes for tests: HTTP, HTTPS, silent and closing TCP listeners, maglevd and
 * maglev-vppsim as processes, network namespaces.
 */
@NullMarked
package ch.ipng.maglev.daemon.testing;

import org.jspecify.annotations.NullMarked;
