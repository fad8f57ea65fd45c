package io.sekisho.decide;

import io.sekisho.match.Match;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;

/**
 * Permission to send a catalogue document (by id, or every document with a tag) to named partner
 * domains until an expiry date. A match that a scope releases to a destination is invisible to
 * the rules' match conditions for that destination (unless a rule asks for released matches), so
 * the same excerpt goes to the partner and is blocked elsewhere.
 *
 * @param id        stable name, shown by {@code policy check}
 * @param documents catalogue document ids
 * @param tags      catalogue tags
 * @param domains   destination domains (partner lists already expanded); subdomains included
 * @param until     last day of the release, inclusive, in the policy's time zone
 * @param zone      the policy's time zone
 */
record ReleaseScope(String id, Set<String> documents, Set<String> tags, List<String> domains, LocalDate until,
                    ZoneId zone) {

    boolean releases(Match match, Destination destination, Instant at) {
        boolean document = documents.contains(match.documentId()) || match.tags().stream().anyMatch(tags::contains);
        return document && !expiredAt(at) && domains.stream().anyMatch(d -> Destination.within(destination.domain(), d));
    }

    boolean expiredAt(Instant at) {
        return !at.isBefore(until.plusDays(1).atStartOfDay(zone).toInstant());
    }
}
