/**
 * The live model: one immutable snapshot of what maglevd knows now (config, backend states,
 * operator weights, effective weights per frontend), published on every change.
 */
@NullMarked
package ch.ipng.maglev.daemon.model;

import org.jspecify.annotations.NullMarked;
