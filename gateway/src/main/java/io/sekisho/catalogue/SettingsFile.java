package io.sekisho.catalogue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads and writes {@code catalogue.json}; errors name the file and the key. */
final class SettingsFile {

    static final String NAME = "catalogue.json";
    private static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SettingsFile() {
    }

    static void write(Path catalogueDir, CatalogueSettings settings) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.putPOJO("levels", settings.levels());
        root.putObject("boilerplate").put("minDocuments", settings.boilerplateMinDocuments());
        Path file = catalogueDir.resolve(NAME);
        Path tmp = catalogueDir.resolve(NAME + ".tmp");
        Files.writeString(tmp, JSON.writeValueAsString(root) + "\n");
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    static CatalogueSettings read(Path catalogueDir) {
        Path file = catalogueDir.resolve(NAME);
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new CatalogueException(file + ": cannot be read: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new CatalogueException(file + ": not a JSON object");
        }
        if (root.path("format").asInt(-1) != FORMAT) {
            throw new CatalogueException(file + ": format: expected " + FORMAT + ", found " + root.path("format"));
        }
        JsonNode levelsNode = root.path("levels");
        if (!levelsNode.isArray()) {
            throw new CatalogueException(file + ": levels: expected a list of level names");
        }
        List<String> levels = new ArrayList<>();
        levelsNode.forEach(n -> levels.add(n.asText()));
        JsonNode min = root.path("boilerplate").path("minDocuments");
        if (!min.isInt()) {
            throw new CatalogueException(file + ": boilerplate.minDocuments: expected a whole number");
        }
        try {
            return new CatalogueSettings(levels, min.asInt());
        } catch (CatalogueException e) {
            throw new CatalogueException(file + ": " + e.getMessage(), e);
        }
    }
}
