package io.sekisho.match;

import io.sekisho.catalogue.CatalogueDocument;
import io.sekisho.catalogue.CatalogueSnapshot;
import io.sekisho.extract.ExtractedPart;
import io.sekisho.fingerprint.FingerprintScheme;
import io.sekisho.fingerprint.Fingerprints;
import io.sekisho.fingerprint.NormalizedText;
import io.sekisho.fingerprint.TextNormalizer;
import io.sekisho.fingerprint.Winnower;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Finds catalogue documents in extracted parts. Thread-safe: one instance can serve concurrent
 * scans against the same snapshot.
 *
 * <p>Per document, the content fingerprints it shares are merged into regions: fingerprints of one
 * part whose k-grams start within {@code window} normalised chars of each other form one region
 * from the first gram's start to the last gram's end. Inside a shared passage consecutive shared
 * fingerprints are never further apart than that (every window records its minimum), so a passage
 * longer than the guarantee becomes one region rather than a scatter of 40-char islands.
 */
public final class Matcher {

    private final CatalogueSnapshot snapshot;
    private final FingerprintScheme scheme = FingerprintScheme.DEFAULT;
    private final Winnower winnower = new Winnower(scheme);

    public Matcher(CatalogueSnapshot snapshot) {
        this.snapshot = Objects.requireNonNull(snapshot, "snapshot");
    }

    /** Matches, most severe level first, then most matched text first; empty if nothing matched. */
    public List<Match> match(List<ExtractedPart> parts) {
        int partCount = parts.size();
        NormalizedText[] texts = new NormalizedText[partCount];
        Fingerprints[] prints = new Fingerprints[partCount];
        long normalizedTotal = 0;
        int fingerprintTotal = 0;
        for (int p = 0; p < partCount; p++) {
            texts[p] = TextNormalizer.normalize(parts.get(p).text());
            prints[p] = winnower.fingerprint(texts[p]);
            normalizedTotal += texts[p].length();
            fingerprintTotal += prints[p].size();
        }
        long[] distinct = distinctHashes(prints, fingerprintTotal);
        DocumentsByHash byHash = lookUp(distinct);
        if (byHash.isEmpty()) {
            return List.of();
        }

        // Walk the content once, in part and position order, handing each hit to its document.
        Map<Integer, Hits> byDocument = new HashMap<>();
        for (int p = 0; p < partCount; p++) {
            Fingerprints f = prints[p];
            int[] shadow = excludedPositions(f, distinct, byHash);
            for (int i = 0; i < f.size(); i++) {
                int hashIndex = Arrays.binarySearch(distinct, f.hash(i));
                if (shadow.length > 0 && inShadow(shadow, f.position(i))) {
                    continue;
                }
                for (int h = byHash.start(hashIndex); h < byHash.end(hashIndex); h++) {
                    byDocument.computeIfAbsent(byHash.document(h), ref -> new Hits())
                            .add(p, f.position(i), hashIndex);
                }
            }
        }

        List<Match> matches = new ArrayList<>(byDocument.size());
        for (Map.Entry<Integer, Hits> entry : byDocument.entrySet()) {
            matches.add(toMatch(snapshot.document(entry.getKey()), entry.getValue(), parts, texts, normalizedTotal));
        }
        var settings = snapshot.settings();
        matches.sort(Comparator.<Match>comparingInt(m -> settings.rank(m.classification()))
                .thenComparing(Comparator.comparingLong(Match::matchedChars).reversed())
                .thenComparing(Match::documentId));
        return matches;
    }

    private Match toMatch(CatalogueDocument doc, Hits hits, List<ExtractedPart> parts, NormalizedText[] texts,
                          long normalizedTotal) {
        int k = scheme.k();
        int window = scheme.window();
        List<Passage> passages = new ArrayList<>();
        long matched = 0;
        int i = 0;
        while (i < hits.size) {
            int part = hits.parts[i];
            int start = hits.positions[i];
            int last = start;
            int j = i + 1;
            while (j < hits.size && hits.parts[j] == part && hits.positions[j] - last <= window) {
                last = hits.positions[j];
                j++;
            }
            int end = last + k;
            matched += end - start;
            NormalizedText text = texts[part];
            passages.add(new Passage(parts.get(part).path(), text.sourceStart(start), text.sourceEnd(end - 1)));
            i = j;
        }
        double documentCoverage = doc.fingerprints() == 0 ? 0
                : Math.min(1.0, hits.distinctHashes.cardinality() / (double) doc.fingerprints());
        double contentCoverage = normalizedTotal == 0 ? 0 : Math.min(1.0, matched / (double) normalizedTotal);
        return new Match(doc.id(), doc.classification(), doc.title(), doc.owner(), matched, documentCoverage,
                contentCoverage, passages, doc.tags());
    }

    /**
     * Content positions of fingerprints that are common or ignored text. Winnowing picks a
     * window's minimum, so the fingerprints at the edges of a shared notice depend on the text
     * around it and differ between documents: such an edge fingerprint is then found in fewer
     * documents than the notice itself, escapes the boilerplate rule, and would match on its own.
     * Every k-gram inside a boilerplate passage of at least t characters lies less than
     * {@code window} characters from one of the passage's own common fingerprints, so hits that
     * close to an excluded fingerprint are treated as part of that passage (its shadow).
     */
    private static int[] excludedPositions(Fingerprints f, long[] distinct, DocumentsByHash byHash) {
        if (!byHash.hasExclusions()) {
            return new int[0];
        }
        int[] positions = new int[f.size()];
        int n = 0;
        for (int i = 0; i < f.size(); i++) {
            if (byHash.isExcluded(Arrays.binarySearch(distinct, f.hash(i)))) {
                positions[n++] = f.position(i);
            }
        }
        return Arrays.copyOf(positions, n); // ascending: fingerprints come in position order
    }

    private boolean inShadow(int[] excludedPositions, int position) {
        int at = Arrays.binarySearch(excludedPositions, position);
        if (at >= 0) {
            return true;
        }
        int next = -at - 1;
        return (next < excludedPositions.length && excludedPositions[next] - position < scheme.window())
                || (next > 0 && position - excludedPositions[next - 1] < scheme.window());
    }

    private static long[] distinctHashes(Fingerprints[] prints, int total) {
        long[] all = new long[total];
        int n = 0;
        for (Fingerprints f : prints) {
            for (int i = 0; i < f.size(); i++) {
                all[n++] = f.hash(i);
            }
        }
        HashSort.sort(all, n);
        int distinct = 0;
        for (int i = 0; i < n; i++) {
            if (distinct == 0 || all[distinct - 1] != all[i]) {
                all[distinct++] = all[i];
            }
        }
        return Arrays.copyOf(all, distinct);
    }

    private DocumentsByHash lookUp(long[] distinct) {
        DocumentsByHash byHash = new DocumentsByHash(distinct.length);
        snapshot.lookup(distinct, byHash);
        byHash.finish();
        return byHash;
    }

    /** Documents per looked-up hash, in compressed-row form (hits arrive in ascending hash order). */
    private static final class DocumentsByHash implements CatalogueSnapshot.HitConsumer {
        private final int[] offsets;
        private final BitSet excluded = new BitSet();
        private int[] documents = new int[16];
        private int size;
        private int lastHash = -1;

        DocumentsByHash(int hashes) {
            offsets = new int[hashes + 1];
        }

        @Override
        public void excluded(int hashIndex) {
            excluded.set(hashIndex);
        }

        boolean isExcluded(int hashIndex) {
            return excluded.get(hashIndex);
        }

        boolean hasExclusions() {
            return !excluded.isEmpty();
        }

        @Override
        public void hit(int hashIndex, int documentRef) {
            while (lastHash < hashIndex) {
                offsets[++lastHash] = size;
            }
            if (size == documents.length) {
                documents = Arrays.copyOf(documents, size * 2);
            }
            documents[size++] = documentRef;
        }

        void finish() {
            while (lastHash < offsets.length - 1) {
                offsets[++lastHash] = size;
            }
        }

        boolean isEmpty() {
            return size == 0;
        }

        int start(int hashIndex) {
            return offsets[hashIndex];
        }

        int end(int hashIndex) {
            return offsets[hashIndex + 1];
        }

        int document(int h) {
            return documents[h];
        }
    }

    /** One document's hits in the content, in part then position order. */
    private static final class Hits {
        int[] parts = new int[8];
        int[] positions = new int[8];
        int size;
        final BitSet distinctHashes = new BitSet();

        void add(int part, int position, int hashIndex) {
            if (size == parts.length) {
                parts = Arrays.copyOf(parts, size * 2);
                positions = Arrays.copyOf(positions, size * 2);
            }
            parts[size] = part;
            positions[size] = position;
            size++;
            distinctHashes.set(hashIndex);
        }
    }
}
