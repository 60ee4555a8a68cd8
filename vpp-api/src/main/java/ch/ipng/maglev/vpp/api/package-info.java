/**
 * VPP's binary API over its Unix stream socket: framing, the message table, pipelined requests and
 * dumps; the message records themselves are generated into the msg subpackage.
 */
@NullMarked
package ch.ipng.maglev.vpp.api;

import org.jspecify.annotations.NullMarked;
