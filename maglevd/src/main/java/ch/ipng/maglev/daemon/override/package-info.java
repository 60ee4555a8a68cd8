/**
 * Operator overrides with an actor, a reason and an optional expiry: the record of each, the pure
 * rules for expiry and staleness, the state file that keeps them across restarts, and the loop that
 * reverts them when they expire.
 */
@NullMarked
package ch.ipng.maglev.daemon.override;

import org.jspecify.annotations.NullMarked;
