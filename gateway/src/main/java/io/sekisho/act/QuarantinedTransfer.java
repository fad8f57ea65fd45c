package io.sekisho.act;

import java.util.List;

/**
 * A quarantined transfer, decrypted, as handed to a {@link ReleaseTarget}.
 *
 * @param entry    what it is
 * @param contents each part's bytes, in the order of {@code entry.parts()}
 */
public record QuarantinedTransfer(QuarantineEntry entry, List<byte[]> contents) {
    public QuarantinedTransfer {
        contents = List.copyOf(contents);
    }
}
