/**
 * The plain types every stage shares: a transfer (who, to whom, over which channel, which parts).
 *
 * <p>No library types live here, and no behaviour beyond holding content: in memory while it is
 * small, in the spool when not ({@link io.sekisho.transfer.PartContent},
 * {@link io.sekisho.transfer.WorkFolder}). So every stage can depend on this package without
 * depending on any other stage.
 */
package io.sekisho.transfer;
