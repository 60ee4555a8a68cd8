/** Test helpers every module may use: seeded property checks over generated inputs. */
@NullMarked
package ch.ipng.maglev.common.testing;

import org.jspecify.annotations.NullMarked;
