package io.sekisho.decide;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads and validates policy files. A policy either loads completely or not at all: every problem
 * is reported as {@code file:line: key: message} in one {@link PolicyException}.
 */
public final class PolicyLoader {
    /** Characters of the SHA-256 of the policy file kept as its revision. */
    public static final int REVISION_LENGTH = 12;

    private final List<String> catalogueLevels;

    /**
     * @param catalogueLevels the catalogue's classification levels, highest first, when the policy
     *                        is meant for a known catalogue; null to use the policy's own {@code levels}
     *                        (or the default top-secret &gt; secret &gt; confidential)
     */
    public PolicyLoader(List<String> catalogueLevels) {
        this.catalogueLevels = catalogueLevels == null ? null : List.copyOf(catalogueLevels);
    }

    /** A loader that takes levels from each policy (or the default levels). */
    public PolicyLoader() {
        this(null);
    }

    public Policy load(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new PolicyException(List.of(new PolicyProblem(file.toString(), 1, "(file)",
                    "cannot read: " + e.getClass().getSimpleName() + " " + e.getMessage())));
        }
        return parse(file.toString(), bytes);
    }

    /** Parses policy bytes; {@code name} is how errors and {@link Policy#source()} name the file. */
    public Policy parse(String name, byte[] bytes) {
        YamlDocument.Bound<PolicySpec.File> bound = YamlDocument.bind(name, bytes, PolicySpec.File.class);
        return new PolicyCompiler(bound.document(), revision(bytes), catalogueLevels).compile(bound.value());
    }

    /** The revision of a policy file: the first {@value #REVISION_LENGTH} hex characters of its SHA-256. */
    public static String revision(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return HexFormat.of().formatHex(digest).substring(0, REVISION_LENGTH);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
