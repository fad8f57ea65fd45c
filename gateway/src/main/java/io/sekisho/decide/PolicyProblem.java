package io.sekisho.decide;

/**
 * One thing wrong with a policy (or policy test) file, located the way an editor wants it.
 *
 * @param file    the file as the user named it
 * @param line    1-based line of the offending key or value
 * @param key     where in the document, as {@code rules[2].when.match.atLeast}
 * @param message what is wrong, and when possible what would be right
 */
public record PolicyProblem(String file, int line, String key, String message) {
    @Override
    public String toString() {
        return file + ":" + line + ": " + key + ": " + message;
    }
}
