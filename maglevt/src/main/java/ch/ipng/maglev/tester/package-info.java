/** maglevt: probes every VIP of maglev.yaml from outside the load balancer, on a live screen. */
@NullMarked
package ch.ipng.maglev.tester;

import org.jspecify.annotations.NullMarked;
