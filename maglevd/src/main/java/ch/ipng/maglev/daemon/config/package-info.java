/**
 * Reads maglev.yaml into an immutable, validated config snapshot, reporting every error at once.
 */
@NullMarked
package ch.ipng.maglev.daemon.config;

import org.jspecify.annotations.NullMarked;
