package io.sekisho.catalogue;

import io.sekisho.fingerprint.Fingerprints;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.util.BytesRef;

/**
 * The index layout: one Lucene document per catalogue document and per ignored text.
 *
 * <p>Catalogue documents: {@code kind=document}, {@code id} (indexed, the update key), stored
 * metadata, stored counts, and one {@code fp} term per distinct fingerprint. Ignored texts:
 * {@code kind=ignored}, {@code ignored} (the name, the update key) and their fingerprints as
 * {@code ignored_fp} terms, a separate field so they never count towards boilerplate or hits.
 */
final class IndexFields {

    static final String KIND = "kind";
    static final String KIND_DOCUMENT = "document";
    static final String KIND_IGNORED = "ignored";
    static final String ID = "id";
    static final String IGNORED_NAME = "ignored";
    static final String FP = "fp";
    static final String IGNORED_FP = "ignored_fp";
    static final String SCHEME_KEY = "sekisho.fingerprint.scheme";

    private static final String CLASSIFICATION = "classification";
    private static final String TITLE = "title";
    private static final String OWNER = "owner";
    private static final String SOURCE = "source";
    private static final String SHA256 = "sha256";
    private static final String TAG = "tag";
    private static final String ADDED_AT = "addedAt";
    private static final String FP_COUNT = "fpCount";
    private static final String NORMALIZED_LENGTH = "normalizedLength";

    /** Terms only: no norms, no frequencies, no positions; presence per document is all we ask. */
    private static final FieldType FP_TYPE = new FieldType();

    static {
        FP_TYPE.setIndexOptions(IndexOptions.DOCS);
        FP_TYPE.setTokenized(false);
        FP_TYPE.setOmitNorms(true);
        FP_TYPE.setStored(false);
        FP_TYPE.freeze();
    }

    private IndexFields() {
    }

    static Document document(CatalogueDocument meta, Fingerprints fingerprints, long[] distinct) {
        Document doc = new Document();
        doc.add(new StringField(KIND, KIND_DOCUMENT, Field.Store.NO));
        doc.add(new StringField(ID, meta.id(), Field.Store.YES));
        doc.add(new StringField(CLASSIFICATION, meta.classification(), Field.Store.YES));
        storeIfPresent(doc, TITLE, meta.title());
        storeIfPresent(doc, OWNER, meta.owner());
        storeIfPresent(doc, SOURCE, meta.source());
        storeIfPresent(doc, SHA256, meta.sha256());
        for (String tag : meta.tags()) {
            doc.add(new StringField(TAG, tag, Field.Store.YES));
        }
        doc.add(new StoredField(ADDED_AT, meta.addedAt().toString()));
        doc.add(new StoredField(FP_COUNT, distinct.length));
        doc.add(new StoredField(NORMALIZED_LENGTH, fingerprints.normalizedLength()));
        for (long hash : distinct) {
            doc.add(new Field(FP, term(hash), FP_TYPE));
        }
        return doc;
    }

    static Document ignored(String name, Fingerprints fingerprints) {
        Document doc = new Document();
        doc.add(new StringField(KIND, KIND_IGNORED, Field.Store.NO));
        doc.add(new StringField(IGNORED_NAME, name, Field.Store.YES));
        for (long hash : fingerprints.distinctHashes()) {
            doc.add(new Field(IGNORED_FP, term(hash), FP_TYPE));
        }
        return doc;
    }

    static CatalogueDocument read(Document doc) {
        List<String> tags = new ArrayList<>();
        for (IndexableField tag : doc.getFields(TAG)) {
            tags.add(tag.stringValue());
        }
        IndexableField count = doc.getField(FP_COUNT);
        String addedAt = doc.get(ADDED_AT);
        return new CatalogueDocument(doc.get(ID), doc.get(CLASSIFICATION), doc.get(TITLE), doc.get(OWNER),
                doc.get(SOURCE), doc.get(SHA256), tags, addedAt == null ? null : Instant.parse(addedAt),
                count == null ? 0 : count.numericValue().intValue());
    }

    static boolean isDocument(Document doc) {
        return doc.get(ID) != null;
    }

    /**
     * Hash to term bytes: big-endian with the sign bit flipped, so that the index's unsigned byte
     * order equals signed {@code long} order and sorted lookups walk the terms dictionary forwards.
     */
    static BytesRef term(long hash) {
        byte[] bytes = new byte[Long.BYTES];
        encode(hash, bytes);
        return new BytesRef(bytes);
    }

    static void encode(long hash, byte[] into) {
        long v = hash ^ Long.MIN_VALUE;
        for (int i = Long.BYTES - 1; i >= 0; i--) {
            into[i] = (byte) v;
            v >>>= 8;
        }
    }

    static long decode(BytesRef term) {
        long v = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            v = (v << 8) | (term.bytes[term.offset + i] & 0xFF);
        }
        return v ^ Long.MIN_VALUE;
    }

    private static void storeIfPresent(Document doc, String field, String value) {
        if (value != null) {
            doc.add(new StoredField(field, value));
        }
    }
}
