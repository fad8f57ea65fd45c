package io.sekisho.audit;

/**
 * How much of the matched text an audit record keeps. The text is the very thing that must not
 * leak, so a log that leaks must not leak it again: the default keeps a hash, which proves which
 * text it was to someone who holds the document, and reveals nothing to anyone else.
 */
public enum Evidence {
    /** Only where the match lies (part and character offsets). */
    NONE,
    /** Also the hex SHA-256 of the UTF-8 bytes of the matched span. */
    HASH,
    /** Also the matched span itself. */
    EXCERPT
}
