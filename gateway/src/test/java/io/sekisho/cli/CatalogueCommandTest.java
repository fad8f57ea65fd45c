package io.sekisho.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.sekisho.testing.Formats;
import io.sekisho.testing.TextGen;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code sekisho catalogue} as a security team uses it, through the real command line. */
class CatalogueCommandTest {

    @TempDir
    Path tmp;

    @Test
    void addsAFolderOfMixedFormatsWithIdsFromFileNames() throws IOException {
        Path docs = tmp.resolve("docs");
        Path docx = Formats.docx(TextGen.latin(new Random(1), 3000), docs.resolve("a"));
        Files.move(docx, docx.resolveSibling("design.docx"));
        Path pdf = Formats.pdf(TextGen.latin(new Random(2), 3000), docs.resolve("b"));
        Files.move(pdf, pdf.resolveSibling("process.pdf"));
        write(docs.resolve("c/plan.v2.txt"), TextGen.latin(new Random(3), 3000));
        Path catalogue = tmp.resolve("cat");

        Cli add = Cli.run("catalogue", "add", "--catalogue", catalogue, "--classification", "secret",
                "--owner", "R&D", "--tag", "project-x", docs);

        assertThat(add.exitCode()).as(add.err()).isZero();
        assertThat(add.out()).contains("3 added");
        List<JsonNode> list = listJson(catalogue);
        assertThat(list).extracting(n -> n.get("id").asText()).as("ids are file names without their last extension")
                .containsExactly("design", "plan.v2", "process");
        assertThat(list).allSatisfy(n -> {
            assertThat(n.get("classification").asText()).isEqualTo("secret");
            assertThat(n.get("owner").asText()).isEqualTo("R&D");
            assertThat(n.get("tags").get(0).asText()).isEqualTo("project-x");
            assertThat(n.get("sha256").asText()).hasSize(64);
            assertThat(n.get("fingerprints").asInt()).isPositive();
        });
    }

    @Test
    void reAddingAnIdReplacesThatDocumentOnly() throws IOException {
        Path catalogue = tmp.resolve("cat");
        Path v1 = write(tmp.resolve("v1/design.txt"), TextGen.latin(new Random(4), 3000));
        Path other = write(tmp.resolve("other.txt"), TextGen.latin(new Random(5), 3000));
        Cli.run("catalogue", "add", "--catalogue", catalogue, "--classification", "secret", v1, other);
        String newText = TextGen.latin(new Random(6), 3000);
        Path v2 = write(tmp.resolve("v2/design.md"), newText);

        assertThat(Cli.run("catalogue", "add", "--catalogue", catalogue, "--classification", "top-secret", v2).exitCode()).isZero();

        List<JsonNode> list = listJson(catalogue);
        assertThat(list).extracting(n -> n.get("id").asText() + "/" + n.get("classification").asText())
                .containsExactly("design/top-secret", "other/secret");
        Path leak = write(tmp.resolve("leak.txt"), newText.substring(500, 1000));
        Cli scan = Cli.run("scan", "--catalogue", catalogue, "--json", leak);
        assertThat(scan.out()).contains("\"documentId\":\"design\"");
        Path oldLeak = write(tmp.resolve("old-leak.txt"), Files.readString(v1).substring(500, 1000));
        assertThat(Cli.run("scan", "--catalogue", catalogue, oldLeak).exitCode()).isZero();
    }

    @Test
    void aCatalogueFromBeforeTheFingerprintChangeIsRefusedWithARebuildMessage() throws IOException {
        Path doc = write(tmp.resolve("plan.txt"), TextGen.latin(new Random(4), 3000));
        Path catalogue = tmp.resolve("cat");
        assertThat(Cli.run("catalogue", "add", "--catalogue", catalogue, "--classification", "secret", doc)
                .exitCode()).isZero();
        // What a catalogue written by a release with the previous fingerprint scheme carries.
        try (var directory = org.apache.lucene.store.FSDirectory.open(catalogue.resolve("index"));
             var writer = new org.apache.lucene.index.IndexWriter(directory,
                     new org.apache.lucene.index.IndexWriterConfig())) {
            writer.setLiveCommitData(java.util.Map.of("sekisho.fingerprint.scheme",
                    "sekisho-fp/1 norm=nfkc-cf-alnum/1 k=40 w=81 hash=poly64-fmix64/1").entrySet());
            writer.commit();
        }

        Cli scan = Cli.run("scan", "--catalogue", catalogue, doc);
        Cli add = Cli.run("catalogue", "add", "--catalogue", catalogue, "--classification", "secret", doc);

        for (Cli refused : List.of(scan, add)) {
            assertThat(refused.exitCode()).isEqualTo(Main.EXIT_ERROR);
            assertThat(refused.err()).startsWith("sekisho: catalogue " + catalogue)
                    .contains("hash=poly64-fmix64/1").contains("rebuild it");
        }
    }

    @Test
    void removeListAndStats() throws IOException {
        Path catalogue = tmp.resolve("cat");
        Path a = write(tmp.resolve("a.txt"), TextGen.latin(new Random(7), 2000));
        Path b = write(tmp.resolve("b.txt"), TextGen.japanese(new Random(8), 2000));
        Cli.run("catalogue", "add", "--catalogue", catalogue, "--classification", "confidential", a, b);

        Cli remove = Cli.run("catalogue", "remove", "--catalogue", catalogue, "a", "nope");

        assertThat(remove.exitCode()).isEqualTo(Main.EXIT_ERROR);
        assertThat(remove.out()).contains("removed a");
        assertThat(remove.err()).contains("no document with id 'nope'");
        assertThat(listJson(catalogue)).extracting(n -> n.get("id").asText()).containsExactly("b");
        Cli stats = Cli.run("catalogue", "stats", "--catalogue", catalogue);
        assertThat(stats.out()).contains("documents:            1").contains("confidential:       1")
                .contains("top-secret > secret > confidential").contains("sekisho-fp/1");
        assertThat(Cli.run("catalogue", "list", "--catalogue", catalogue).out()).contains("b").contains("confidential");
    }

    @Test
    void initSetsTheLevelsAndAddRefusesOthers() throws IOException {
        Path catalogue = tmp.resolve("cat");
        assertThat(Cli.run("catalogue", "init", "--catalogue", catalogue, "--levels", "kyokuhi,hi,shagaihi").exitCode()).isZero();
        Path doc = write(tmp.resolve("d.txt"), TextGen.latin(new Random(9), 2000));

        Cli wrong = Cli.run("catalogue", "add", "--catalogue", catalogue, "--classification", "secret", doc);
        Cli right = Cli.run("catalogue", "add", "--catalogue", catalogue, "--classification", "hi", doc);
        Cli again = Cli.run("catalogue", "init", "--catalogue", catalogue);

        assertThat(wrong.exitCode()).isEqualTo(Main.EXIT_ERROR);
        assertThat(wrong.err()).contains("unknown classification 'secret'").contains("kyokuhi, hi, shagaihi");
        assertThat(right.exitCode()).isZero();
        assertThat(again.exitCode()).isEqualTo(Main.EXIT_ERROR);
        assertThat(again.err()).contains("not empty");
    }

    @Test
    void anUnreadableDocumentIsNotRegisteredAndSaysWhy() throws IOException {
        Path catalogue = tmp.resolve("cat");
        Path locked = Formats.encryptedZip(TextGen.latin(new Random(10), 2000), tmp.resolve("in"));
        Path good = write(tmp.resolve("in/good.txt"), TextGen.latin(new Random(11), 2000));

        Cli add = Cli.run("catalogue", "add", "--catalogue", catalogue, "--classification", "secret", locked, good);

        assertThat(add.exitCode()).isEqualTo(Main.EXIT_ERROR);
        assertThat(add.err()).contains("not registered: " + locked).contains("encrypted");
        assertThat(listJson(catalogue)).extracting(n -> n.get("id").asText()).containsExactly("good");
    }

    @Test
    void twoFilesThatWouldShareAnIdAreRefusedBeforeAnythingIsAdded() throws IOException {
        Path catalogue = tmp.resolve("cat");
        write(tmp.resolve("docs/x/plan.txt"), TextGen.latin(new Random(12), 2000));
        write(tmp.resolve("docs/y/plan.md"), TextGen.latin(new Random(13), 2000));

        Cli add = Cli.run("catalogue", "add", "--catalogue", catalogue, "--classification", "secret", tmp.resolve("docs"));

        assertThat(add.exitCode()).isEqualTo(Main.EXIT_ERROR);
        assertThat(add.err()).contains("would get the id 'plan'");
        assertThat(Files.exists(catalogue)).isFalse();
    }

    @Test
    void ignoredPublicTextNeverMatches() throws IOException {
        Path catalogue = tmp.resolve("cat");
        String licence = TextGen.latin(new Random(14), 800);
        Path doc = write(tmp.resolve("doc.txt"), TextGen.latin(new Random(15), 2000) + "\n" + licence);
        Cli.run("catalogue", "add", "--catalogue", catalogue, "--classification", "secret", doc);
        Path out = write(tmp.resolve("out/readme.txt"), "Our licence:\n" + licence);
        assertThat(Cli.run("scan", "--catalogue", catalogue, out).exitCode()).isEqualTo(Main.EXIT_FOUND);

        Path publicText = write(tmp.resolve("public/licence.txt"), licence);
        assertThat(Cli.run("catalogue", "ignore", "--catalogue", catalogue, publicText).exitCode()).isZero();

        assertThat(Cli.run("scan", "--catalogue", catalogue, out).exitCode()).isEqualTo(Main.EXIT_OK);
        assertThat(Cli.run("catalogue", "stats", "--catalogue", catalogue).out()).contains("ignored texts:        licence");
    }

    private static List<JsonNode> listJson(Path catalogue) throws IOException {
        Cli list = Cli.run("catalogue", "list", "--catalogue", catalogue, "--json");
        assertThat(list.exitCode()).as(list.err()).isZero();
        return list.json();
    }

    private static Path write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }
}
