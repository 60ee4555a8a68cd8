/** maglev-vppsim: a stand-in VPP serving the binary API and stats segment with lb semantics. */
@NullMarked
package ch.ipng.maglev.vppsim;

import org.jspecify.annotations.NullMarked;
