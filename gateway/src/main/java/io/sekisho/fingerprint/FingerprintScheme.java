package io.sekisho.fingerprint;

/**
 * The winnowing parameters: k-gram length {@code k} and window {@code window} (in k-grams).
 *
 * <p>{@link #guarantee()} is the shortest shared normalised passage that is always found; {@code k}
 * is the noise threshold: shared strings shorter than {@code k} are never found.
 */
public record FingerprintScheme(int k, int window) {

    /** k 40, window 81: every shared passage of 120 normalised characters is found. */
    public static final FingerprintScheme DEFAULT = new FingerprintScheme(40, 81);

    /**
     * Bump when {@link TextNormalizer} changes what it emits for any input; catalogues built with
     * another version would silently stop matching.
     */
    static final String NORMALIZER_ID = "nfkc-cf-alnum/2";

    /**
     * Bump when the rolling hash, its base or the mixer changes. /1 mixed every k-gram's hash
     * before comparing; /2 compares the raw polynomial and mixes only the selected minima.
     */
    static final String HASH_ID = "poly64-fmix64/2";

    public FingerprintScheme {
        if (k < 1 || window < 1) {
            throw new IllegalArgumentException("k and window must be positive: k=" + k + " window=" + window);
        }
    }

    /** Shared normalised passages at least this long always yield a common fingerprint. */
    public int guarantee() {
        return window + k - 1;
    }

    /** Names everything that decides which hashes a text produces; stamped into catalogues. */
    public String id() {
        return "sekisho-fp/1 norm=" + NORMALIZER_ID + " k=" + k + " w=" + window + " hash=" + HASH_ID;
    }
}
