/**
 * The plain types every stage shares: a transfer (who, to whom, over which channel, which parts).
 *
 * <p>No behaviour and no library types live here, so every stage can depend on this package
 * without depending on any other stage.
 */
package io.sekisho.transfer;
