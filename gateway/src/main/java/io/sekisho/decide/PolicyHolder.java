package io.sekisho.decide;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The policy a running gateway decides with, reloaded when its file changes.
 *
 * <p>{@link #current()} is cheap: it compares the file's modification time and size with what it
 * last saw, and only reads and hashes the file when they differ (a rewrite within the same
 * timestamp granule is still caught by {@link #reload()}, which always hashes). A new revision
 * that fails to load is reported once, and the last good policy stays in force: a typo in a
 * policy must not open or close the gate. Thread-safe.
 */
public final class PolicyHolder {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyHolder.class);

    private final Path file;
    private final PolicyLoader loader;
    private final Consumer<String> warnings;
    private volatile Policy policy;
    private FileTime seenTime;
    private long seenSize;
    private String seenRevision;

    /**
     * Loads the policy now.
     *
     * @throws PolicyException when the file cannot be loaded: with no last good policy, there is
     *                         nothing to decide with, and the caller must not start
     */
    public PolicyHolder(Path file, PolicyLoader loader) {
        this(file, loader, LOG::warn);
    }

    /** As {@link #PolicyHolder(Path, PolicyLoader)}, reporting failed reloads to {@code warnings}. */
    public PolicyHolder(Path file, PolicyLoader loader, Consumer<String> warnings) {
        this.file = Objects.requireNonNull(file, "file");
        this.loader = Objects.requireNonNull(loader, "loader");
        this.warnings = Objects.requireNonNull(warnings, "warnings");
        byte[] bytes = read();
        if (bytes == null) {
            throw new PolicyException(java.util.List.of(new PolicyProblem(file.toString(), 1, "(file)", "cannot read")));
        }
        this.policy = loader.parse(file.toString(), bytes);
        this.seenRevision = policy.revision();
    }

    /** The policy in force, after reloading it if the file changed since the last look. */
    public Policy current() {
        if (changedOnDisk()) {
            reload();
        }
        return policy;
    }

    /**
     * Reads the file and, if its revision is new, loads it. Returns true when a new policy is in force.
     * A revision that fails is reported once; asking again with the same bytes is silent.
     */
    public synchronized boolean reload() {
        byte[] bytes = read();
        if (bytes == null) {
            return false;
        }
        String revision = PolicyLoader.revision(bytes);
        if (revision.equals(seenRevision)) {
            return false;
        }
        seenRevision = revision;
        try {
            policy = loader.parse(file.toString(), bytes);
            return true;
        } catch (PolicyException e) {
            warnings.accept("policy " + file + " revision " + revision + " not loaded; still deciding with revision "
                    + policy.revision() + ":\n" + e.getMessage());
            return false;
        }
    }

    private synchronized boolean changedOnDisk() {
        try {
            FileTime time = Files.getLastModifiedTime(file);
            long size = Files.size(file);
            boolean changed = !time.equals(seenTime) || size != seenSize;
            return changed;
        } catch (IOException e) {
            return false;
        }
    }

    private byte[] read() {
        try {
            FileTime time = Files.getLastModifiedTime(file);
            long size = Files.size(file);
            byte[] bytes = Files.readAllBytes(file);
            seenTime = time;
            seenSize = size;
            return bytes;
        } catch (IOException e) {
            if (policy != null && !"unreadable".equals(seenRevision)) {
                seenRevision = "unreadable";
                warnings.accept("policy " + file + " cannot be read (" + e.getMessage() + "); still deciding with revision "
                        + policy.revision());
            }
            return null;
        }
    }
}
