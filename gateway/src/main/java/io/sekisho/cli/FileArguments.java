package io.sekisho.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Expands the paths a user names: a folder stands for every regular file below it, in sorted order. */
final class FileArguments {
    private FileArguments() {
    }

    static List<Path> expand(List<Path> paths) {
        List<Path> files = new ArrayList<>();
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                try (Stream<Path> walk = Files.walk(path)) {
                    walk.filter(Files::isRegularFile).sorted().forEach(files::add);
                } catch (IOException | UncheckedIOException e) {
                    throw new UserError("cannot walk " + path + ": " + e.getMessage());
                }
            } else {
                // A missing or unreadable file is kept: it gets its own result line saying so.
                files.add(path);
            }
        }
        return files;
    }
}
