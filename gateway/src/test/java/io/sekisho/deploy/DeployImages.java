package io.sekisho.deploy;

import org.testcontainers.images.builder.ImageFromDockerfile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The images the integration tests run, built from deploy/ exactly as a user builds them: the
 * gateway from deploy/Dockerfile with the jar this build packaged, and the Postfix and Squid peers
 * that deploy/docker-compose.yml uses. Built once per test run and kept under fixed tags, so a
 * rerun reuses Docker's layer cache.
 */
final class DeployImages {
    /** Failsafe runs in gateway/; the repository root is its parent. */
    static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    static final Path JAR = ROOT.resolve("gateway/target/sekisho.jar");

    private static final ConcurrentHashMap<String, String> BUILT = new ConcurrentHashMap<>();

    private DeployImages() {
    }

    static String gateway() {
        return BUILT.computeIfAbsent("gateway", k -> {
            if (!Files.isRegularFile(JAR)) {
                throw new IllegalStateException(JAR + " is missing: run the tests with ./mvnw verify (package comes first)");
            }
            return build(new ImageFromDockerfile("sekisho-it/gateway:latest", false)
                    .withFileFromPath("gateway/target/sekisho.jar", JAR)
                    .withFileFromPath("policies/default.yaml", ROOT.resolve("policies/default.yaml"))
                    .withFileFromPath("deploy/container", ROOT.resolve("deploy/container"))
                    .withFileFromPath("deploy/Dockerfile", ROOT.resolve("deploy/Dockerfile"))
                    .withDockerfilePath("deploy/Dockerfile"));
        });
    }

    static String postfix() {
        return BUILT.computeIfAbsent("postfix", k -> build(new ImageFromDockerfile("sekisho-it/postfix:latest", false)
                .withFileFromPath("compose/postfix", ROOT.resolve("deploy/compose/postfix"))
                .withDockerfilePath("compose/postfix/Dockerfile")));
    }

    static String squid() {
        return BUILT.computeIfAbsent("squid", k -> build(new ImageFromDockerfile("sekisho-it/squid:latest", false)
                .withFileFromPath("squid-icap.conf", ROOT.resolve("deploy/squid-icap.conf"))
                .withFileFromPath("compose/squid", ROOT.resolve("deploy/compose/squid"))
                .withDockerfilePath("compose/squid/Dockerfile")));
    }

    private static String build(ImageFromDockerfile image) {
        // `docker build --network host`: where Docker runs without its bridge, RUN apt-get reaches
        // Debian's mirror only through the host's network.
        image.withBuildImageCmdModifier(cmd -> cmd.withNetworkMode("host"));
        return image.get(); // LazyFuture: builds now, once; a failed build throws with Docker's output
    }
}
