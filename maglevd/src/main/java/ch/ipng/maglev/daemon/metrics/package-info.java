/** Prometheus metrics of maglevd and the /metrics HTTP endpoint. */
@NullMarked
package ch.ipng.maglev.daemon.metrics;

import org.jspecify.annotations.NullMarked;
