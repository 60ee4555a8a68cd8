/**
 * Reads maglev.yaml into an immutable, validated config snapshot, reporting every error at once;
 * maglevd and the tools that read its config share it.
 */
@NullMarked
package ch.ipng.maglev.config;

import org.jspecify.annotations.NullMarked;
