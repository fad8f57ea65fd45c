package io.sekisho.catalogue;

import io.sekisho.fingerprint.FingerprintScheme;
import io.sekisho.fingerprint.Fingerprints;
import io.sekisho.fingerprint.Winnower;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.MultiTerms;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;

/**
 * A catalogue folder: {@code catalogue.json} plus a Lucene index in {@code index/}.
 *
 * <p>Changes ({@link #add}, {@link #remove}, {@link #ignore}, {@link #unignore}) take the index's
 * write lock on first use, so one process at a time changes a catalogue; readers never take it.
 * Changes become durable and visible to snapshots at {@link #commit()} (also done by
 * {@link #close()}): commit once per batch, not per document, since each commit is an fsync.
 * Reads on this object ({@link #list}, {@link #stats}, {@link #ignored}) see uncommitted changes
 * of this object too; {@link #snapshot()} sees only committed ones.
 */
public final class Catalogue implements Closeable {

    private static final String INDEX_DIR = "index";

    private final Path dir;
    private final Directory directory;
    private final CatalogueSettings settings;
    private final Winnower winnower = new Winnower(FingerprintScheme.DEFAULT);
    private IndexWriter writer;

    private Catalogue(Path dir, Directory directory, CatalogueSettings settings) {
        this.dir = dir;
        this.directory = directory;
        this.settings = settings;
    }

    public static Catalogue open(Path dir, OpenMode mode) {
        return open(dir, mode, CatalogueSettings.DEFAULT);
    }

    /** {@code settingsIfCreated} applies only when this call creates the catalogue. */
    public static Catalogue open(Path dir, OpenMode mode, CatalogueSettings settingsIfCreated) {
        Path indexDir = dir.resolve(INDEX_DIR);
        boolean exists = Files.isRegularFile(dir.resolve(SettingsFile.NAME));
        if (!exists && mode == OpenMode.MUST_EXIST) {
            throw new CatalogueException(Files.isDirectory(dir)
                    ? "no catalogue in " + dir + " (no " + SettingsFile.NAME + "): create one with 'sekisho catalogue add'"
                    : "catalogue " + dir + " does not exist: create it with 'sekisho catalogue add'");
        }
        Directory directory = null;
        try {
            if (!exists) {
                Files.createDirectories(indexDir);
                directory = FSDirectory.open(indexDir);
                if (DirectoryReader.indexExists(directory)) { // left by an interrupted creation
                    IndexGuard.checkScheme(dir, SegmentInfos.readLatestCommit(directory).getUserData());
                }
                Catalogue created = new Catalogue(dir, directory, settingsIfCreated);
                created.writer(); // stamps the scheme into an empty first commit
                created.commit();
                // Settings last: their presence is what marks a catalogue as complete.
                SettingsFile.write(dir, settingsIfCreated);
                return created;
            }
            CatalogueSettings settings = SettingsFile.read(dir);
            directory = FSDirectory.open(indexDir);
            IndexGuard.checkScheme(dir, SegmentInfos.readLatestCommit(directory).getUserData());
            return new Catalogue(dir, directory, settings);
        } catch (IOException e) {
            closeQuietly(directory);
            throw IndexGuard.failure(dir, "open", e);
        } catch (RuntimeException e) {
            closeQuietly(directory);
            throw e;
        }
    }

    public Path dir() {
        return dir;
    }

    public CatalogueSettings settings() {
        return settings;
    }

    /**
     * Registers (or replaces, by id) a classified document. The text is fingerprinted here, with the
     * one chain matching uses; the text itself is not stored. Visible to snapshots after {@link #commit()}.
     *
     * @return the document as stored, with its fingerprint count
     */
    public CatalogueDocument add(CatalogueDocument meta, String text) {
        if (meta.id().isBlank()) {
            throw new CatalogueException("document id must not be blank");
        }
        if (!settings.levels().contains(meta.classification())) {
            throw new CatalogueException("unknown classification '" + meta.classification() + "' for document '"
                    + meta.id() + "': this catalogue's levels are " + String.join(", ", settings.levels()));
        }
        Fingerprints fingerprints = winnower.fingerprint(text);
        long[] distinct = fingerprints.distinctHashes();
        Document doc = IndexFields.document(meta, fingerprints, distinct);
        try {
            writer().updateDocument(new Term(IndexFields.ID, meta.id()), doc);
        } catch (IOException e) {
            throw IndexGuard.failure(dir, "add '" + meta.id() + "'", e);
        }
        return new CatalogueDocument(meta.id(), meta.classification(), meta.title(), meta.owner(), meta.source(),
                meta.sha256(), meta.tags(), meta.addedAt(), distinct.length);
    }

    /** Removes a document; false if there was none with that id. */
    public boolean remove(String id) {
        return deleteIfPresent(new Term(IndexFields.ID, id));
    }

    /**
     * Declares a text public (a licence, a standard notice): its fingerprints never count as a
     * match, in any document. Replaces an earlier text of the same name.
     */
    public void ignore(String name, String text) {
        if (name == null || name.isBlank()) {
            throw new CatalogueException("ignored text needs a name");
        }
        try {
            writer().updateDocument(new Term(IndexFields.IGNORED_NAME, name),
                    IndexFields.ignored(name, winnower.fingerprint(text)));
        } catch (IOException e) {
            throw IndexGuard.failure(dir, "ignore '" + name + "'", e);
        }
    }

    public boolean unignore(String name) {
        return deleteIfPresent(new Term(IndexFields.IGNORED_NAME, name));
    }

    /** Names of the ignored texts, sorted. */
    public List<String> ignored() {
        return read(reader -> {
            List<String> names = new ArrayList<>();
            forEachLiveDoc(reader, doc -> {
                String name = doc.get(IndexFields.IGNORED_NAME);
                if (name != null) {
                    names.add(name);
                }
            });
            names.sort(Comparator.naturalOrder());
            return names;
        });
    }

    /** All documents, sorted by id, with their fingerprint counts. */
    public List<CatalogueDocument> list() {
        return read(reader -> {
            List<CatalogueDocument> docs = new ArrayList<>();
            forEachLiveDoc(reader, doc -> {
                if (IndexFields.isDocument(doc)) {
                    docs.add(IndexFields.read(doc));
                }
            });
            docs.sort(Comparator.comparing(CatalogueDocument::id));
            return docs;
        });
    }

    public CatalogueStats stats() {
        List<CatalogueDocument> docs = list();
        Map<String, Integer> perLevel = new LinkedHashMap<>();
        settings.levels().forEach(level -> perLevel.put(level, 0));
        long fingerprints = 0;
        for (CatalogueDocument doc : docs) {
            perLevel.merge(doc.classification(), 1, Integer::sum);
            fingerprints += doc.fingerprints();
        }
        long distinct = read(reader -> {
            Terms terms = MultiTerms.getTerms(reader, IndexFields.FP);
            long count = 0;
            if (terms != null) {
                TermsEnum te = terms.iterator();
                while (te.next() != null) {
                    count++;
                }
            }
            return count;
        });
        long bytes;
        try (Stream<Path> files = Files.list(dir.resolve(INDEX_DIR))) {
            bytes = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            throw IndexGuard.failure(dir, "measure the index", e);
        }
        return new CatalogueStats(docs.size(), perLevel, fingerprints, distinct, ignored(), bytes,
                FingerprintScheme.DEFAULT.id(), settings.levels(), settings.boilerplateMinDocuments());
    }

    /** Makes the changes so far durable and visible to new snapshots and other processes. */
    public void commit() {
        if (writer == null) {
            return;
        }
        try {
            writer.setLiveCommitData(Map.of(IndexFields.SCHEME_KEY, FingerprintScheme.DEFAULT.id()).entrySet());
            writer.commit();
        } catch (IOException e) {
            throw IndexGuard.failure(dir, "commit", e);
        }
    }

    /** A point-in-time view of the last commit, for matching. The caller closes it. */
    public CatalogueSnapshot snapshot() {
        try {
            return CatalogueSnapshot.open(dir, DirectoryReader.open(directory), settings);
        } catch (IOException e) {
            throw IndexGuard.failure(dir, "read", e);
        }
    }

    /** Commits pending changes, releases the write lock. */
    @Override
    public void close() throws IOException {
        try {
            if (writer != null) {
                commit();
                writer.close();
                writer = null;
            }
        } finally {
            directory.close();
        }
    }

    private IndexWriter writer() throws IOException {
        if (writer == null) {
            IndexWriterConfig config = new IndexWriterConfig()
                    .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                    .setCommitOnClose(false); // close() commits explicitly, with the scheme stamp
            writer = new IndexWriter(directory, config);
            writer.setLiveCommitData(Map.of(IndexFields.SCHEME_KEY, FingerprintScheme.DEFAULT.id()).entrySet());
        }
        return writer;
    }

    private boolean deleteIfPresent(Term key) {
        try {
            IndexWriter w = writer();
            try (DirectoryReader reader = DirectoryReader.open(w)) {
                if (new IndexSearcher(reader).count(new TermQuery(key)) == 0) {
                    return false;
                }
            }
            w.deleteDocuments(key);
            return true;
        } catch (IOException e) {
            throw IndexGuard.failure(dir, "remove '" + key.text() + "'", e);
        }
    }

    private interface ReaderFunction<T> {
        T apply(DirectoryReader reader) throws IOException;
    }

    private interface DocumentVisitor {
        void visit(Document doc);
    }

    /** Reads through this writer when one is open (so uncommitted changes show), else the last commit. */
    private <T> T read(ReaderFunction<T> function) {
        try (DirectoryReader reader = writer != null ? DirectoryReader.open(writer) : DirectoryReader.open(directory)) {
            return function.apply(reader);
        } catch (IOException e) {
            throw IndexGuard.failure(dir, "read", e);
        }
    }

    private static void forEachLiveDoc(DirectoryReader reader, DocumentVisitor visitor) throws IOException {
        for (LeafReaderContext leaf : reader.leaves()) {
            Bits live = leaf.reader().getLiveDocs();
            StoredFields stored = leaf.reader().storedFields();
            for (int doc = 0; doc < leaf.reader().maxDoc(); doc++) {
                if (live == null || live.get(doc)) {
                    visitor.visit(stored.document(doc));
                }
            }
        }
    }

    private static void closeQuietly(Directory directory) {
        if (directory != null) {
            try {
                directory.close();
            } catch (IOException ignored) {
                // Already failing with a better message.
            }
        }
    }
}
