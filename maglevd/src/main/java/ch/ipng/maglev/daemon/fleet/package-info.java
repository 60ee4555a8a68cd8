/**
 * Fleet operations: digests of VIP tables and of the config that routers compare, and the lookup of
 * the application server a new flow gets.
 */
@NullMarked
package ch.ipng.maglev.daemon.fleet;

import org.jspecify.annotations.NullMarked;
