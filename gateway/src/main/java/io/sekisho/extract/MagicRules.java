package io.sekisho.extract;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.apache.tika.detect.MagicDetector;
import org.apache.tika.mime.MediaType;
import org.apache.tika.mime.MimeTypes;

/**
 * The magic rules of a tika-core {@link MimeTypes} registry, read once, answering "does any rule
 * match these bytes?" exactly as {@code MimeTypes.detect} would, at a small fraction of its cost.
 *
 * <p>tika-core 3.3.1 evaluates every rule on every call: each {@code <match>} allocates its
 * comparison window and compiles its regular expression again, and every position of a ranged
 * match is compared. Here each rule is compiled once, and a rule is compared only where the one
 * byte of its pattern least likely in text (its anchor) is present: ranged rules look the anchor up
 * in an index of the bytes, built once per call and only when a ranged rule is reached.
 *
 * <p>The semantics copied from tika-core 3.3.1 ({@code MagicDetector.detect}, {@code MagicMatch},
 * {@code AndClause}, {@code OrClause}, {@code MinShouldMatchClause}), for data of length L (at
 * most {@code getMinLength()} bytes, what Tika reads):
 * <ul>
 * <li>a rule beginning past L never matches;</li>
 * <li>a byte rule needs L &ge; begin + pattern length, then compares {@code (byte & mask)}, ASCII
 * lower-cased for {@code stringignorecase}, with the masked pattern at each start in
 * [begin, end]; bytes past L read as zero (Tika's window is zero-filled);</li>
 * <li>a regular expression sees an ISO-8859-1 window of its length (8 KiB) plus the range,
 * zero-filled past L, and must match with {@code lookingAt} in the region [i, length + i) for
 * some i in [0, end - begin].</li>
 * <li>a match of type {@code application/octet-stream} never matches: {@code MagicMatch} takes a
 * detector's answer for a match when it is not the very {@code MediaType.OCTET_STREAM} instance the
 * detector returns for no match, and such a detector returns that instance for a match too.</li>
 * </ul>
 * The registry's rule tree is private to tika-core, so it is read by reflection; anything not
 * shaped as above fails {@link #compile} and the caller falls back to Tika's own detection.
 */
final class MagicRules {

    /** Ranges at least this wide look their anchor up in the index rather than visit every start. */
    private static final int INDEXED_RANGE = 64;

    /** Anchors of more byte values than this are visited start by start. */
    private static final int INDEXED_VALUES = 4;

    private final Rule[] rules;
    /** Each rule's place in the registry's list of magics (Tika's order). */
    private final Map<Rule, Integer> places = new IdentityHashMap<>();
    private final List<Leaf> leaves;
    private final boolean[] indexed;
    private final int indexReach;
    /**
     * Rules that can match only where one byte at a fixed offset has certain values (their
     * {@link Rule#key}): the offsets, ascending, and for each offset the rules by that byte's
     * value. Most of Tika's rules are of this kind, and for given data only the few whose byte is
     * there are tried, instead of every rule.
     */
    private final int[] keyOffsets;
    private final Rule[][][] keyed;
    /** The rules without such a key, cheapest first. */
    private final Rule[] unkeyed;

    private MagicRules(Rule[] rules, List<Leaf> leaves) {
        this.rules = rules;
        this.leaves = List.copyOf(leaves);
        this.indexed = new boolean[256];
        int reach = 0;
        for (Leaf leaf : leaves) {
            if (leaf.usesIndex()) {
                for (int value : leaf.anchorValues) {
                    indexed[value] = true;
                }
                reach = Math.max(reach, leaf.end + leaf.anchor + 1);
            }
        }
        this.indexReach = reach;
        for (int i = 0; i < rules.length; i++) {
            places.put(rules[i], i);
        }

        TreeMap<Integer, List<List<Rule>>> byOffset = new TreeMap<>();
        List<Rule> rest = new ArrayList<>();
        for (Rule rule : rules) {
            Key key = rule.key();
            if (key == null) {
                rest.add(rule);
                continue;
            }
            List<List<Rule>> byValue = byOffset.computeIfAbsent(key.offset(), o -> {
                List<List<Rule>> values = new ArrayList<>(256);
                for (int v = 0; v < 256; v++) {
                    values.add(new ArrayList<>());
                }
                return values;
            });
            for (int v = 0; v < 256; v++) {
                if (key.accepts()[v]) {
                    byValue.get(v).add(rule);
                }
            }
        }
        this.keyOffsets = byOffset.keySet().stream().mapToInt(Integer::intValue).toArray();
        this.keyed = new Rule[keyOffsets.length][][];
        int k = 0;
        for (List<List<Rule>> byValue : byOffset.values()) {
            keyed[k] = new Rule[256][];
            for (int v = 0; v < 256; v++) {
                keyed[k][v] = byValue.get(v).isEmpty() ? null : byValue.get(v).toArray(new Rule[0]);
            }
            k++;
        }
        this.unkeyed = cheapestFirst(rest);
    }

    /** A byte at a fixed offset that must have one of the accepted values for a rule to match. */
    private record Key(int offset, boolean[] accepts) {
    }

    /** The registry was not shaped as tika-core 3.3.1 shapes it; the message says where. */
    static final class UnexpectedRegistryException extends Exception {
        private static final long serialVersionUID = 1L;

        UnexpectedRegistryException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Reads the magic rules of {@code types}.
     *
     * @throws UnexpectedRegistryException when a class, field or rule is not what this class knows
     */
    static MagicRules compile(MimeTypes types) throws UnexpectedRegistryException {
        try {
            return new Reader().read(types);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new UnexpectedRegistryException("cannot read tika-core's magic rules: " + e, e);
        }
    }

    /** True when some magic rule matches the first {@code length} bytes of {@code data}. */
    boolean anyMatches(byte[] data, int length) {
        if (length < 0 || length > data.length) {
            throw new IllegalArgumentException("length " + length + " outside 0.." + data.length);
        }
        Prefix prefix = new Prefix(data, length);
        for (int k = 0; k < keyOffsets.length; k++) {
            Rule[] candidates = keyed[k][prefix.at(keyOffsets[k]) & 0xff];
            if (candidates != null) {
                for (Rule rule : candidates) {
                    if (rule.matches(prefix)) {
                        return true;
                    }
                }
            }
        }
        for (Rule rule : unkeyed) {
            if (rule.matches(prefix)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The places, ascending, of the rules that match the first {@code length} bytes of
     * {@code data} in the registry's list of magics: the magics for which tika-core's
     * {@code Magic.eval} is true on these bytes, in the order {@code MimeTypes} tries them.
     */
    int[] matching(byte[] data, int length) {
        if (length < 0 || length > data.length) {
            throw new IllegalArgumentException("length " + length + " outside 0.." + data.length);
        }
        Prefix prefix = new Prefix(data, length);
        int[] found = new int[8];
        int n = 0;
        for (int k = 0; k < keyOffsets.length; k++) {
            Rule[] candidates = keyed[k][prefix.at(keyOffsets[k]) & 0xff];
            if (candidates != null) {
                for (Rule rule : candidates) {
                    if (rule.matches(prefix)) {
                        found = n == found.length ? Arrays.copyOf(found, n * 2) : found;
                        found[n++] = places.get(rule);
                    }
                }
            }
        }
        for (Rule rule : unkeyed) {
            if (rule.matches(prefix)) {
                found = n == found.length ? Arrays.copyOf(found, n * 2) : found;
                found[n++] = places.get(rule);
            }
        }
        int[] matched = Arrays.copyOf(found, n);
        Arrays.sort(matched);
        return matched;
    }

    /** The number of magic rules (Tika's {@code <magic>} elements). */
    int size() {
        return rules.length;
    }

    /** Every {@code <match>} of the registry, in registry order, for tests that compare them with Tika. */
    List<Leaf> leaves() {
        return leaves;
    }

    /** The bytes being detected, and the index of anchor positions, built on first need. */
    private final class Prefix {
        private final byte[] data;
        private final int length;
        private int[][] positions;
        private int[] counts;

        Prefix(byte[] data, int length) {
            this.data = data;
            this.length = length;
        }

        /** The byte at {@code position} of Tika's window: past the data, the zero it is filled with. */
        int at(int position) {
            return position < length ? data[position] : 0;
        }

        /** Positions of {@code value} below {@link #indexReach}, ascending; {@link #count} of them are set. */
        int[] positions(int value) {
            if (positions == null) {
                index();
            }
            return positions[value];
        }

        int count(int value) {
            return counts[value];
        }

        private void index() {
            int[][] lists = new int[256][];
            int[] found = new int[256];
            indexPositions(data, Math.min(length, indexReach), indexed, lists, found);
            positions = lists;
            counts = found;
        }
    }

    /**
     * The positions of the indexed byte values in {@code data[0, end)}. Static, with everything in
     * locals: as a method of {@link Prefix} the JIT reloaded the data and the {@code indexed} table
     * through their fields for every byte (the store of a new list may change any field), and the
     * index was two thirds of the time of detection on 10 KiB of text.
     */
    private static void indexPositions(byte[] data, int end, boolean[] indexed, int[][] lists, int[] counts) {
        for (int i = 0; i < end; i++) {
            int value = data[i] & 0xff;
            if (indexed[value]) {
                add(lists, counts, value, i);
            }
        }
    }

    private static void add(int[][] lists, int[] counts, int value, int position) {
        int[] list = lists[value];
        if (list == null) {
            list = lists[value] = new int[16];
        } else if (counts[value] == list.length) {
            list = lists[value] = Arrays.copyOf(list, list.length * 2);
        }
        list[counts[value]++] = position;
    }

    private interface Rule {
        boolean matches(Prefix prefix);

        /** A byte this rule needs at a fixed offset to match at all, or null when there is none. */
        default Key key() {
            return null;
        }

        /** A rough cost, to try cheap rules first: the result does not depend on the order. */
        long cost();
    }

    private static Rule[] cheapestFirst(List<Rule> rules) {
        Rule[] sorted = rules.toArray(new Rule[0]);
        Arrays.sort(sorted, Comparator.comparingLong(Rule::cost));
        return sorted;
    }

    private static long totalCost(Rule[] rules) {
        long cost = 0;
        for (Rule rule : rules) {
            cost += rule.cost();
        }
        return cost;
    }

    /** {@code AndClause}: every rule matches. */
    private record All(Rule[] rules) implements Rule {
        /** What any one of its rules needs, all of them needs. */
        @Override
        public Key key() {
            for (Rule rule : rules) {
                Key key = rule.key();
                if (key != null) {
                    return key;
                }
            }
            return null;
        }

        @Override
        public boolean matches(Prefix prefix) {
            for (Rule rule : rules) {
                if (!rule.matches(prefix)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public long cost() {
            return totalCost(rules);
        }
    }

    /** {@code OrClause} ({@code min} 1) and {@code MinShouldMatchClause}: at least {@code min} rules match. */
    private record AtLeast(int min, Rule[] rules) implements Rule {
        @Override
        public boolean matches(Prefix prefix) {
            int matched = 0;
            for (Rule rule : rules) {
                if (rule.matches(prefix) && ++matched >= min) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public long cost() {
            return totalCost(rules);
        }
    }

    /** One {@code <match>}: a byte pattern or a regular expression at a range of offsets. */
    abstract static class Leaf implements Rule {
        final MagicDetector detector;
        final int begin;
        final int end;
        /** Index in the pattern of the byte compared first; -1 for an empty pattern. */
        final int anchor;
        /** The byte values (0-255) the anchor accepts. */
        final boolean[] accepts;
        final int[] anchorValues;
        /** True when Tika cannot tell this match's answer from no match (see the class comment). */
        private final boolean silent;

        Leaf(MagicDetector detector, boolean silent, int begin, int end, int anchor, boolean[] accepts) {
            this.detector = detector;
            this.silent = silent;
            this.begin = begin;
            this.end = end;
            this.anchor = anchor;
            this.accepts = accepts;
            int values = 0;
            for (boolean accepted : accepts) {
                values += accepted ? 1 : 0;
            }
            this.anchorValues = new int[values];
            for (int value = 0, i = 0; value < 256; value++) {
                if (accepts[value]) {
                    anchorValues[i++] = value;
                }
            }
        }

        /**
         * At a single start the anchor byte must be accepted ({@link #matches} tests it before
         * anything else); a silent match never matches and is left to the general loop.
         */
        @Override
        public Key key() {
            return !silent && begin == end && anchor >= 0 ? new Key(begin + anchor, accepts) : null;
        }

        /** Tika's detector for this match, for tests that compare the two. */
        MagicDetector detector() {
            return detector;
        }

        /** This match alone against the first {@code length} bytes of {@code data} (for tests). */
        boolean matches(MagicRules rules, byte[] data, int length) {
            return matches(rules.new Prefix(data, length));
        }

        /**
         * Ranged matches whose anchor cannot be a zero (so the zero-filled tail holds no candidate)
         * and is one of few values visit only the indexed positions of those values.
         */
        boolean usesIndex() {
            return anchor >= 0 && end - begin >= INDEXED_RANGE && !accepts[0] && anchorValues.length <= INDEXED_VALUES;
        }

        /** True when the match holds with its window starting at {@code start} (begin + i). */
        abstract boolean matchesAt(Prefix prefix, int start, Object state);

        /** Per-call state for {@link #matchesAt}, made on the first candidate; null when none is needed. */
        Object state(Prefix prefix) {
            return null;
        }

        /** Whether Tika evaluates the starts at all for data of this length. */
        abstract boolean applies(int length);

        @Override
        public final boolean matches(Prefix prefix) {
            if (silent || !applies(prefix.length)) {
                return false;
            }
            Object state = null;
            if (usesIndex()) {
                int from = begin + anchor;
                int to = Math.min(end + anchor, prefix.length - 1);
                for (int value : anchorValues) {
                    int[] positions = prefix.positions(value);
                    int count = prefix.count(value);
                    if (count == 0) {
                        continue;
                    }
                    int i = Arrays.binarySearch(positions, 0, count, from);
                    for (i = i < 0 ? -i - 1 : i; i < count && positions[i] <= to; i++) {
                        if (state == null) {
                            state = state(prefix);
                        }
                        if (matchesAt(prefix, positions[i] - anchor, state)) {
                            return true;
                        }
                    }
                }
                return false;
            }
            for (int start = begin; start <= end; start++) {
                if (anchor >= 0 && !accepts[prefix.at(start + anchor) & 0xff]) {
                    continue;
                }
                if (state == null) {
                    state = state(prefix);
                }
                if (matchesAt(prefix, start, state)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A byte pattern ({@code string}, {@code stringignorecase}, {@code byte}, {@code little32}, ...). */
    static final class Bytes extends Leaf {
        private final byte[] pattern;
        private final byte[] mask;
        private final boolean ignoreCase;

        Bytes(MagicDetector detector, boolean silent, int begin, int end, byte[] pattern, byte[] mask,
                boolean ignoreCase) {
            this(detector, silent, begin, end, pattern, mask, ignoreCase, bestAnchor(pattern, mask, ignoreCase));
        }

        private Bytes(MagicDetector detector, boolean silent, int begin, int end, byte[] pattern, byte[] mask,
                boolean ignoreCase, int anchor) {
            super(detector, silent, begin, end, anchor, anchor < 0 ? new boolean[256] : accepted(pattern, mask, ignoreCase, anchor));
            this.pattern = pattern;
            this.mask = mask;
            this.ignoreCase = ignoreCase;
        }

        /** The masked pattern, for tests that build data it matches. */
        byte[] pattern() {
            return pattern.clone();
        }

        byte[] mask() {
            return mask.clone();
        }

        /** True when {@code value} (0-255) may stand at {@code index} of a match. */
        boolean accepts(int index, int value) {
            return equal(value, mask[index], pattern[index], ignoreCase);
        }

        /** Tika compares only when the data reaches past the first window ({@code offset < begin + length}). */
        @Override
        boolean applies(int length) {
            return length >= begin + pattern.length;
        }

        @Override
        boolean matchesAt(Prefix prefix, int start, Object state) {
            for (int j = 0; j < pattern.length; j++) {
                if (!equal(prefix.at(start + j), mask[j], pattern[j], ignoreCase)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public long cost() {
            return usesIndex() ? 16 + (end - begin) / INDEXED_RANGE : 1 + end - begin;
        }

        /** Tika's comparison of one byte, with its int promotions and {@code Character.toLowerCase}. */
        private static boolean equal(int data, byte mask, byte pattern, boolean ignoreCase) {
            int masked = (byte) data & mask;
            if (ignoreCase) {
                masked = Character.toLowerCase(masked);
            }
            return masked == pattern;
        }

        private static boolean[] accepted(byte[] pattern, byte[] mask, boolean ignoreCase, int j) {
            boolean[] accepts = new boolean[256];
            for (int value = 0; value < 256; value++) {
                accepts[value] = equal(value, mask[j], pattern[j], ignoreCase);
            }
            return accepts;
        }

        /** The pattern byte whose accepted values are least likely in text, so that fewer starts are compared. */
        private static int bestAnchor(byte[] pattern, byte[] mask, boolean ignoreCase) {
            int best = -1;
            long bestScore = Long.MAX_VALUE;
            for (int j = 0; j < pattern.length; j++) {
                boolean[] accepts = accepted(pattern, mask, ignoreCase, j);
                long score = accepts[0] ? 1_000_000 : 0;
                for (int value = 0; value < 256; value++) {
                    score += accepts[value] ? frequencyInText(value) : 0;
                }
                if (score < bestScore) {
                    best = j;
                    bestScore = score;
                }
            }
            return best;
        }
    }

    /** A {@code regex} match: precompiled here, where Tika compiles it on every call. */
    static final class Regex extends Leaf {
        private final Pattern pattern;
        private final int window;

        private Regex(MagicDetector detector, boolean silent, int begin, int end, Pattern pattern, int window) {
            super(detector, silent, begin, end, 0, firstCharacters(pattern));
            this.pattern = pattern;
            this.window = window;
        }

        Pattern pattern() {
            return pattern;
        }

        /** Tika skips to {@code begin} and gives up only when the data ends before it. */
        @Override
        boolean applies(int length) {
            return length >= begin;
        }

        @Override
        Object state(Prefix prefix) {
            return pattern.matcher(new Window(prefix, begin, window + end - begin));
        }

        @Override
        boolean matchesAt(Prefix prefix, int start, Object state) {
            Matcher matcher = (Matcher) state;
            int i = start - begin;
            matcher.region(i, window + i);
            return matcher.lookingAt();
        }

        @Override
        public long cost() {
            return usesIndex() ? 200 + (end - begin) / INDEXED_RANGE : 50 + 20L * (end - begin);
        }

        /**
         * The characters a match can start with. A one-character input that neither matches nor
         * hits its end ({@link Matcher#hitEnd}) cannot be extended into a match, so a start holding
         * that character need not be tried.
         */
        private static boolean[] firstCharacters(Pattern pattern) {
            boolean[] first = new boolean[256];
            Matcher matcher = pattern.matcher("");
            for (int c = 0; c < 256; c++) {
                matcher.reset(String.valueOf((char) c));
                first[c] = matcher.lookingAt() || matcher.hitEnd();
            }
            return first;
        }
    }

    /** Tika's regex window: the bytes from {@code begin} as ISO-8859-1, zero-filled past the data. */
    private record Window(Prefix prefix, int begin, int length) implements CharSequence {
        @Override
        public int length() {
            return length;
        }

        @Override
        public char charAt(int index) {
            if (index < 0 || index >= length) {
                throw new IndexOutOfBoundsException(index);
            }
            return (char) (prefix.at(begin + index) & 0xff);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            if (start < 0 || end > length || start > end) {
                throw new IndexOutOfBoundsException("[" + start + ", " + end + ") of " + length);
            }
            return new Window(prefix, begin + start, end - start);
        }

        @Override
        public String toString() {
            StringBuilder text = new StringBuilder(length);
            for (int i = 0; i < length; i++) {
                text.append(charAt(i));
            }
            return text.toString();
        }
    }

    /**
     * A rough rank of how often a byte value occurs in prose (ASCII or UTF-8), for choosing
     * anchors only: control bytes and bytes UTF-8 never uses are rarest.
     */
    private static int frequencyInText(int value) {
        if (value == ' ' || value == '\n' || value == '\r' || value == '\t') {
            return 100;
        }
        if (value >= 'a' && value <= 'z') {
            return "etaoinshr".indexOf(value) >= 0 ? 60 : 30;
        }
        if (value >= 'A' && value <= 'Z') {
            return 8;
        }
        if (value == '.' || value == ',' || value == '-' || value == '\'') {
            return 10;
        }
        if (value < 0x20 || value == 0x7f || value == 0xc0 || value == 0xc1 || value >= 0xf5) {
            return 1;
        }
        if (value >= 0x80) {
            return 20;
        }
        return 4;
    }

    /** Reads tika-core's private rule tree. */
    private static final class Reader {
        private final Class<?> and = Class.forName("org.apache.tika.mime.AndClause");
        private final Class<?> or = Class.forName("org.apache.tika.mime.OrClause");
        private final Class<?> minShouldMatch = Class.forName("org.apache.tika.mime.MinShouldMatchClause");
        private final Class<?> magicMatch = Class.forName("org.apache.tika.mime.MagicMatch");
        private final Class<?> magic = Class.forName("org.apache.tika.mime.Magic");
        private final Field magics = field(MimeTypes.class, "magics");
        private final Field magicClause = field(magic, "clause");
        private final Field andClauses = field(and, "clauses");
        private final Field orClauses = field(or, "clauses");
        private final Field minShouldMatchMin = field(minShouldMatch, "min");
        private final Field minShouldMatchClauses = field(minShouldMatch, "clauses");
        private final Method detectorOf = method(magicMatch, "getDetector");
        private final Field type = field(MagicDetector.class, "type");
        private final Field length = field(MagicDetector.class, "length");
        private final Field pattern = field(MagicDetector.class, "pattern");
        private final Field patternLength = field(MagicDetector.class, "patternLength");
        private final Field mask = field(MagicDetector.class, "mask");
        private final Field isRegex = field(MagicDetector.class, "isRegex");
        private final Field isStringIgnoreCase = field(MagicDetector.class, "isStringIgnoreCase");
        private final Field offsetRangeBegin = field(MagicDetector.class, "offsetRangeBegin");
        private final Field offsetRangeEnd = field(MagicDetector.class, "offsetRangeEnd");
        private final List<Leaf> leaves = new ArrayList<>();

        Reader() throws ReflectiveOperationException {
        }

        MagicRules read(MimeTypes types) throws ReflectiveOperationException, UnexpectedRegistryException {
            List<?> all = (List<?>) magics.get(types);
            List<Rule> rules = new ArrayList<>(all.size());
            for (Object each : all) {
                if (each.getClass() != magic) {
                    throw unexpected("a magic of " + each.getClass());
                }
                rules.add(rule(magicClause.get(each)));
            }
            if (rules.isEmpty()) {
                throw unexpected("no magic rules");
            }
            return new MagicRules(rules.toArray(new Rule[0]), leaves);
        }

        private Rule rule(Object clause) throws ReflectiveOperationException, UnexpectedRegistryException {
            if (clause == null) {
                throw unexpected("a magic without a clause");
            }
            Class<?> type = clause.getClass();
            if (type == and) {
                return new All(cheapestFirst(rules(Arrays.asList((Object[]) andClauses.get(clause)))));
            }
            if (type == or) {
                return new AtLeast(1, cheapestFirst(rules((List<?>) orClauses.get(clause))));
            }
            if (type == minShouldMatch) {
                int min = minShouldMatchMin.getInt(clause);
                List<Rule> rules = rules((List<?>) minShouldMatchClauses.get(clause));
                if (min < 1 || min > rules.size()) {
                    throw unexpected("minShouldMatch " + min + " of " + rules.size());
                }
                return new AtLeast(min, cheapestFirst(rules));
            }
            if (type == magicMatch) {
                Leaf leaf = leaf((MagicDetector) detectorOf.invoke(clause));
                leaves.add(leaf);
                return leaf;
            }
            throw unexpected("a magic clause of " + type);
        }

        private List<Rule> rules(List<?> clauses) throws ReflectiveOperationException, UnexpectedRegistryException {
            if (clauses.isEmpty()) {
                throw unexpected("an empty clause list");
            }
            List<Rule> rules = new ArrayList<>(clauses.size());
            for (Object clause : clauses) {
                rules.add(rule(clause));
            }
            return rules;
        }

        private Leaf leaf(MagicDetector detector) throws ReflectiveOperationException, UnexpectedRegistryException {
            if (detector.getClass() != MagicDetector.class) {
                throw unexpected("a detector of " + detector.getClass());
            }
            boolean silent = type.get(detector) == MediaType.OCTET_STREAM;
            byte[] bytes = (byte[]) pattern.get(detector);
            byte[] masks = (byte[]) mask.get(detector);
            int size = patternLength.getInt(detector);
            int window = length.getInt(detector);
            int begin = offsetRangeBegin.getInt(detector);
            int end = offsetRangeEnd.getInt(detector);
            boolean regex = isRegex.getBoolean(detector);
            boolean ignoreCase = isStringIgnoreCase.getBoolean(detector);
            if (bytes.length != size || masks.length != size || begin < 0 || end < begin) {
                throw unexpected(detector + " with pattern " + bytes.length + ", mask " + masks.length
                        + ", length " + size + ", offsets " + begin + ":" + end);
            }
            if (!regex) {
                if (window != size) {
                    throw unexpected(detector + " with a window of " + window + " for " + size + " bytes");
                }
                return new Bytes(detector, silent, begin, end, bytes, masks, ignoreCase);
            }
            if (window <= 0) {
                throw unexpected(detector + " with a window of " + window);
            }
            try {
                Pattern compiled = Pattern.compile(new String(bytes, StandardCharsets.UTF_8),
                        ignoreCase ? Pattern.CASE_INSENSITIVE : 0);
                return new Regex(detector, silent, begin, end, compiled, window);
            } catch (PatternSyntaxException e) {
                // Tika would throw from detect() for this rule; only Tika can say what happens then.
                throw new UnexpectedRegistryException("a magic regex that does not compile: " + e.getMessage(), e);
            }
        }

        private static UnexpectedRegistryException unexpected(String what) {
            return new UnexpectedRegistryException("unexpected in tika-core's magic rules: " + what, null);
        }

        private static Field field(Class<?> owner, String name) throws ReflectiveOperationException {
            Field field = owner.getDeclaredField(name);
            field.setAccessible(true);
            return field;
        }

        private static Method method(Class<?> owner, String name) throws ReflectiveOperationException {
            Method method = owner.getDeclaredMethod(name);
            method.setAccessible(true);
            return method;
        }
    }
}
