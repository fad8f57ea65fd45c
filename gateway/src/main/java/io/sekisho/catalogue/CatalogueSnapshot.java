package io.sekisho.catalogue;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;

/**
 * A point-in-time, read-only view of a catalogue's last commit, safe to share between threads.
 *
 * <p>Catalogue documents are referred to by an {@code int} reference valid for this snapshot only.
 * To see later commits (from this or another process) call {@link #refreshed()}, hand the result to
 * new work and close this snapshot once the work still using it has finished.
 */
public final class CatalogueSnapshot implements Closeable {

    /** Receives the catalogue documents a looked-up fingerprint occurs in. */
    @FunctionalInterface
    public interface HitConsumer {
        /**
         * @param hashIndex   index of the fingerprint in the array given to {@link #lookup}
         * @param documentRef the catalogue document, see {@link #document(int)}
         */
        void hit(int hashIndex, int documentRef);

        /**
         * The fingerprint is common text (boilerplate) or ignored text: it gets no hits. Matching
         * needs to know where such text lies in the content, see {@code Matcher}.
         */
        default void excluded(int hashIndex) {
        }
    }

    private final Path catalogueDir;
    private final DirectoryReader reader;
    private final CatalogueSettings settings;
    private final long[] ignoredHashes;
    private final FingerprintFilter filter;

    private CatalogueSnapshot(Path catalogueDir, DirectoryReader reader, CatalogueSettings settings) throws IOException {
        this.catalogueDir = catalogueDir;
        this.reader = reader;
        this.settings = settings;
        this.ignoredHashes = loadIgnored(reader);
        this.filter = FingerprintFilter.build(reader.leaves());
    }

    /** Opens a snapshot; takes ownership of the reader, closing it if the catalogue is not usable. */
    static CatalogueSnapshot open(Path catalogueDir, DirectoryReader reader, CatalogueSettings settings) {
        try {
            IndexGuard.checkScheme(catalogueDir, reader.getIndexCommit().getUserData());
            return new CatalogueSnapshot(catalogueDir, reader, settings);
        } catch (IOException e) {
            closeQuietly(reader);
            throw IndexGuard.failure(catalogueDir, "read", e);
        } catch (RuntimeException e) {
            closeQuietly(reader);
            throw e;
        }
    }

    public CatalogueSettings settings() {
        return settings;
    }

    /** Live catalogue documents in this snapshot. */
    public int documentCount() {
        return reader.numDocs() - ignoredTextCount();
    }

    /**
     * Finds, for each fingerprint, the catalogue documents containing it, leaving out common text
     * (found in at least {@link CatalogueSettings#boilerplateMinDocuments()} live documents) and
     * ignored text. {@code sortedHashes} must be strictly ascending: that lets each segment's terms
     * dictionary be walked forwards, and makes the hit count per hash exact.
     */
    public void lookup(long[] sortedHashes, HitConsumer consumer) {
        for (int i = 1; i < sortedHashes.length; i++) {
            if (sortedHashes[i - 1] >= sortedHashes[i]) {
                throw new IllegalArgumentException("hashes must be strictly ascending, at index " + i);
            }
        }
        List<LeafReaderContext> leaves = reader.leaves();
        int leafCount = leaves.size();
        TermsEnum[] termsEnums = new TermsEnum[leafCount];
        PostingsEnum[] postings = new PostingsEnum[leafCount];
        Bits[] liveDocs = new Bits[leafCount];
        int[] docBases = new int[leafCount];
        try {
            for (int l = 0; l < leafCount; l++) {
                LeafReaderContext leaf = leaves.get(l);
                Terms terms = leaf.reader().terms(IndexFields.FP);
                termsEnums[l] = terms == null ? null : terms.iterator();
                liveDocs[l] = leaf.reader().getLiveDocs();
                docBases[l] = leaf.docBase;
            }
            int common = settings.boilerplateMinDocuments();
            int[] found = new int[common];
            byte[] termBytes = new byte[Long.BYTES];
            BytesRef term = new BytesRef(termBytes);
            int ignoredAt = 0;
            for (int i = 0; i < sortedHashes.length; i++) {
                long hash = sortedHashes[i];
                // Both arrays are sorted: a merge walk instead of a binary search per hash.
                while (ignoredAt < ignoredHashes.length && ignoredHashes[ignoredAt] < hash) {
                    ignoredAt++;
                }
                if (ignoredAt < ignoredHashes.length && ignoredHashes[ignoredAt] == hash) {
                    consumer.excluded(i);
                    continue;
                }
                if (!filter.mightContain(hash)) {
                    continue;
                }
                IndexFields.encode(hash, termBytes);
                int count = 0;
                leavesLoop:
                for (int l = 0; l < leafCount; l++) {
                    TermsEnum te = termsEnums[l];
                    if (te == null || !te.seekExact(term)) {
                        continue;
                    }
                    PostingsEnum pe = te.postings(postings[l], PostingsEnum.NONE);
                    postings[l] = pe;
                    Bits live = liveDocs[l];
                    for (int doc = pe.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = pe.nextDoc()) {
                        if (live != null && !live.get(doc)) {
                            continue;
                        }
                        found[count++] = docBases[l] + doc;
                        if (count == common) {
                            break leavesLoop;
                        }
                    }
                }
                if (count < common) {
                    for (int c = 0; c < count; c++) {
                        consumer.hit(i, found[c]);
                    }
                } else {
                    consumer.excluded(i);
                }
            }
        } catch (IOException e) {
            throw IndexGuard.failure(catalogueDir, "look up fingerprints", e);
        }
    }

    /** The metadata (with fingerprint count) of a document reference from {@link #lookup}. */
    public CatalogueDocument document(int documentRef) {
        try {
            return IndexFields.read(reader.storedFields().document(documentRef));
        } catch (IOException e) {
            throw IndexGuard.failure(catalogueDir, "read a document", e);
        }
    }

    /**
     * A snapshot of the latest commit, or this one if nothing was committed since. The caller closes
     * this snapshot when nothing uses it any more; it stays valid until then.
     */
    public CatalogueSnapshot refreshed() {
        DirectoryReader newer;
        try {
            newer = DirectoryReader.openIfChanged(reader);
        } catch (IOException e) {
            throw IndexGuard.failure(catalogueDir, "refresh", e);
        }
        return newer == null ? this : open(catalogueDir, newer, settings);
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }

    private int ignoredTextCount() {
        try {
            return new org.apache.lucene.search.IndexSearcher(reader).count(new org.apache.lucene.search.TermQuery(
                    new org.apache.lucene.index.Term(IndexFields.KIND, IndexFields.KIND_IGNORED)));
        } catch (IOException e) {
            throw IndexGuard.failure(catalogueDir, "count documents", e);
        }
    }

    /** Ignored texts are few and short: keep their live fingerprints in memory, sorted. */
    private static long[] loadIgnored(DirectoryReader reader) throws IOException {
        List<Long> hashes = new ArrayList<>();
        PostingsEnum pe = null;
        for (LeafReaderContext leaf : reader.leaves()) {
            Terms terms = leaf.reader().terms(IndexFields.IGNORED_FP);
            if (terms == null) {
                continue;
            }
            Bits live = leaf.reader().getLiveDocs();
            TermsEnum te = terms.iterator();
            for (BytesRef t = te.next(); t != null; t = te.next()) {
                pe = te.postings(pe, PostingsEnum.NONE);
                for (int doc = pe.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = pe.nextDoc()) {
                    if (live == null || live.get(doc)) {
                        hashes.add(IndexFields.decode(t));
                        break;
                    }
                }
            }
        }
        return hashes.stream().mapToLong(Long::longValue).sorted().distinct().toArray();
    }

    private static void closeQuietly(DirectoryReader reader) {
        try {
            reader.close();
        } catch (IOException | RuntimeException ignored) {
            // Already failing with a better message.
        }
    }

    @Override
    public String toString() {
        return "CatalogueSnapshot[" + catalogueDir + ", " + Arrays.toString(settings.levels().toArray()) + "]";
    }
}
