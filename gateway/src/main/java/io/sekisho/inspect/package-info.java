/**
 * Inspection: the content stages of the data path (extract, fingerprint, match) run for one file.
 *
 * <p>Every channel (the {@code scan} command now, SMTP and HTTP later) inspects through this
 * package, so a file is judged the same way whichever way it leaves. It holds no protocol code
 * and makes no decision: it reports what is in the content and how completely it could be read.
 */
package io.sekisho.inspect;
