package io.sekisho.extract;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A class-data sharing (CDS) archive of the classes an extraction worker loads, Tika's parsers
 * above all, so that later workers map them from one file instead of reading and verifying each
 * from the jar (docs/adr/0015).
 *
 * <p>The first worker a process starts while there is no archive runs with
 * {@code -XX:ArchiveClassesAtExit} pointed at a temporary file; when it ends normally the file is
 * moved into place in one step. Later workers start with {@code -XX:SharedArchiveFile}. The file
 * name carries a hash of the class path's jars (path, size, time) and of the JDK (java.home,
 * java.version), so a changed jar or another JDK looks for another file and never maps a stale
 * one. Everything here is an optimisation: a folder that cannot be made or written, or a class path
 * that is not all jars, means workers start without an archive, as they did before.
 *
 * <p>The folder is {@value #PROPERTY} if that system property is set ({@code off} turns archives
 * off), else {@code ${XDG_CACHE_HOME:-$HOME/.cache}/sekisho/cds}. It must belong to the user and
 * be closed to everyone else (0700): an archive is loaded as code by every worker.
 */
final class WorkerClassArchive {
    static final String PROPERTY = "sekisho.cds.dir";
    static final String OFF = "off";

    private static final Logger LOG = LoggerFactory.getLogger(WorkerClassArchive.class);
    private static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rwx------");
    private static final String TEMP_SUFFIX = ".tmp";
    private static final String ARCHIVE_PREFIX = "worker-";
    private static final String ARCHIVE_GLOB = ARCHIVE_PREFIX + "*.jsa";
    /** A dump lasts seconds; a temporary file this old belongs to a process that was killed mid-dump. */
    private static final Duration ABANDONED = Duration.ofMinutes(10);
    /**
     * Archives kept in the folder, the most recently written first. Each build of the jar and each
     * JDK gets its own (16 to 33 MB); without a bound, a machine that rebuilds or upgrades often
     * would collect them for ever. Removing one a running JVM has mapped is harmless on POSIX (the
     * mapping stays until the JVM ends), and a worker that finds its archive gone writes it again.
     */
    static final int KEPT_ARCHIVES = 4;
    /** Archives being written by a worker of this process: one writer per archive is enough. */
    private static final Set<Path> CREATING = ConcurrentHashMap.newKeySet();
    /** Folders already reported as unusable, so that a gateway says it once and not per worker. */
    private static final Set<String> REPORTED = ConcurrentHashMap.newKeySet();

    private final String classPath;
    private final Path archive;
    /** False in a read-only folder, such as a read-only image that carries the archive made when it was built. */
    private final boolean writable;

    private WorkerClassArchive(String classPath, Path archive) {
        this.classPath = classPath;
        this.archive = archive;
        this.writable = archive != null && Files.isWritable(archive.getParent());
    }

    /** The archive for this JVM's own class path, in the folder the system property or XDG names. */
    static WorkerClassArchive forThisJvm() {
        String classPath = System.getProperty("java.class.path");
        String configured = System.getProperty(PROPERTY);
        if (configured != null && configured.isBlank()) {
            configured = null;
        }
        if (OFF.equalsIgnoreCase(configured)) {
            return off(classPath);
        }
        Path folder = configured != null ? Path.of(configured) : defaultFolder(System.getenv());
        return folder == null ? off(classPath) : in(folder, classPath);
    }

    /** {@code ${XDG_CACHE_HOME:-$HOME/.cache}/sekisho/cds}; null without either variable. */
    static Path defaultFolder(Map<String, String> environment) {
        String cache = environment.get("XDG_CACHE_HOME");
        if (cache != null && !cache.isBlank() && Path.of(cache).isAbsolute()) {
            return Path.of(cache, "sekisho", "cds");
        }
        String home = environment.get("HOME");
        if (home != null && !home.isBlank() && Path.of(home).isAbsolute()) {
            return Path.of(home, ".cache", "sekisho", "cds");
        }
        return null;
    }

    /** The archive for workers on {@code classPath}, in {@code folder}; no archive if it is unusable. */
    static WorkerClassArchive in(Path folder, String classPath) {
        String key = key(classPath);
        if (key == null) {
            LOG.debug("no class-data archive for extraction workers: the class path is not all jar files");
            return off(classPath);
        }
        if (folder.toAbsolutePath().toString().contains(File.pathSeparator)) {
            // -XX:SharedArchiveFile reads "base:top" on newer JDKs.
            once(folder.toString(), "no class-data archive for extraction workers: " + folder + " contains " + File.pathSeparator);
            return off(classPath);
        }
        String problem = privateFolder(folder);
        if (problem != null) {
            once(folder.toString(), "no class-data archive for extraction workers: " + problem);
            return off(classPath);
        }
        String version = System.getProperty("java.version").replaceAll("[^A-Za-z0-9.+_-]", "_");
        return new WorkerClassArchive(classPath, folder.resolve(ARCHIVE_PREFIX + version + "-" + key + ".jsa"));
    }

    /** Workers start as before: no archive read or written. */
    static WorkerClassArchive off(String classPath) {
        return new WorkerClassArchive(classPath, null);
    }

    String classPath() {
        return classPath;
    }

    /** The archive file, or null when archives are off or unusable here. */
    Path file() {
        return archive;
    }

    /**
     * How the next worker starts: with the archive if there is one, as the archive's writer if
     * there is none and no other worker of this process is writing it, else without.
     */
    Use nextWorker() {
        if (archive == null) {
            return Use.NONE;
        }
        if (Files.isRegularFile(archive, LinkOption.NOFOLLOW_LINKS)) {
            return new Use(List.of("-XX:SharedArchiveFile=" + archive), null);
        }
        if (!writable || !CREATING.add(archive)) {
            return Use.NONE;
        }
        removeAbandoned();
        Path temp = archive.resolveSibling(archive.getFileName() + "." + UUID.randomUUID() + TEMP_SUFFIX);
        // The dump's own warnings (classes it skips, such as pre-Java 6 class files) are expected
        // and say nothing about the file; errors still reach the log.
        return new Use(List.of("-XX:ArchiveClassesAtExit=" + temp, "-Xlog:cds=error:stderr", "-Xlog:cds+dynamic=error:stderr"), temp);
    }

    /**
     * A worker has ended. Only a writer that ended with exit 0 (the JVM writes the archive on its
     * way out, after the protocol ended) leaves a complete file, which is renamed into place in one
     * step; in every other case its temporary file, whole or half, is deleted.
     */
    void ended(Use use, boolean normalExit) {
        if (use.writing() == null) {
            return;
        }
        try {
            if (normalExit && Files.isRegularFile(use.writing())) {
                move(use.writing(), archive);
                LOG.info("class-data archive for extraction workers written: {}", archive);
                removeOldArchives();
            }
        } catch (IOException e) {
            LOG.info("class-data archive for extraction workers not kept: {}", e.toString());
        } finally {
            deleteQuietly(use.writing());
            CREATING.remove(archive);
        }
    }

    /**
     * A worker that was to use the archive did not start (JDK 17 crashes on a truncated archive
     * instead of ignoring it). The file is ours and in our private folder: remove it, so that the
     * next worker starts without it and writes a new one.
     */
    void refused(Use use) {
        if (use.usesArchive()) {
            LOG.info("class-data archive {} refused by an extraction worker; removed", archive);
            deleteQuietly(archive);
        }
    }

    /** JVM options for a worker, and the temporary file it writes the archive to (null if none). */
    record Use(List<String> options, Path writing) {
        static final Use NONE = new Use(List.of(), null);

        boolean usesArchive() {
            return !options.isEmpty() && writing == null;
        }
    }

    /** A hash of every class path entry (path, size, time) and the JDK; null if an entry is not a jar file. */
    private static String key(String classPath) {
        if (classPath == null || classPath.isBlank()) {
            return null;
        }
        StringBuilder stamp = new StringBuilder();
        stamp.append(System.getProperty("java.home")).append('\n')
                .append(System.getProperty("java.version")).append('\n')
                .append(System.getProperty("java.vm.version")).append('\n');
        for (String entry : classPath.split(File.pathSeparator)) {
            Path jar = Path.of(entry).toAbsolutePath();
            // Only jars can be archived; the JDK refuses to dump with a class folder on the path.
            if (!jar.getFileName().toString().endsWith(".jar") || !Files.isRegularFile(jar)) {
                return null;
            }
            try {
                if (namesMoreEntries(jar)) {
                    return null;
                }
                stamp.append(jar).append('\t').append(Files.size(jar)).append('\t')
                        .append(Files.getLastModifiedTime(jar).toMillis()).append('\n');
            } catch (IOException e) {
                return null;
            }
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(stamp.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /**
     * A jar whose manifest adds a class path (a launcher jar, as test runners use) may bring in
     * class folders, with which the JDK will not write an archive, and entries the stamp above misses.
     */
    private static boolean namesMoreEntries(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            return manifest != null && manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH) != null;
        }
    }

    /** Creates the folder 0700 if it is missing; null if it is ours, private and writable, else why not. */
    private static String privateFolder(Path folder) {
        try {
            if (!Files.isDirectory(folder)) {
                Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(PRIVATE));
            }
            if (!Files.getOwner(folder).getName().equals(System.getProperty("user.name"))) {
                return folder + " belongs to " + Files.getOwner(folder).getName();
            }
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(folder);
            if (!permissions.equals(PRIVATE)) {
                // Anyone else who can write here could plant code that every worker would load.
                Files.setPosixFilePermissions(folder, PRIVATE);
            }
            return null;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return folder + " cannot be used (" + e + ")";
        }
    }

    private void removeAbandoned() {
        Instant before = Instant.now().minus(ABANDONED);
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(archive.getParent(), "*" + TEMP_SUFFIX)) {
            for (Path temp : temps) {
                if (modified(temp).toInstant().isBefore(before)) {
                    deleteQuietly(temp);
                }
            }
        } catch (IOException e) {
            // A read-only folder: nothing to clean, and nothing will be written either.
        }
    }

    /** Keeps the {@link #KEPT_ARCHIVES} most recently written archives of the folder, this one among them. */
    private void removeOldArchives() {
        List<Path> archives = new ArrayList<>();
        try (DirectoryStream<Path> found = Files.newDirectoryStream(archive.getParent(), ARCHIVE_GLOB)) {
            for (Path file : found) {
                if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    archives.add(file);
                }
            }
        } catch (IOException e) {
            return;
        }
        archives.sort(Comparator.comparing((Path file) -> file.equals(archive))
                .thenComparing(WorkerClassArchive::modified).reversed());
        for (Path old : archives.subList(Math.min(KEPT_ARCHIVES, archives.size()), archives.size())) {
            LOG.info("class-data archive {} removed (only the {} most recent are kept)", old, KEPT_ARCHIVES);
            deleteQuietly(old);
        }
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return FileTime.fromMillis(0); // gone already: first to go
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            // Same folder, so this does not happen on a local file system; a half file is worse than none.
            throw new IOException("cannot replace " + to + " in one step", e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debug("could not delete {}: {}", file, e.toString());
        }
    }

    private static void once(String what, String message) {
        if (REPORTED.add(what)) {
            LOG.info(message);
        }
    }

}
