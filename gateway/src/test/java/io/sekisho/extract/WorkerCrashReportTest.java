package io.sekisho.extract;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A worker JVM that crashes writes its report where the warning about the lost worker says, in the
 * temporary folder, not into the folder the gateway was started from.
 */
class WorkerCrashReportTest {

    /** Stands in for the worker's main class: dies the way a parser's native code can. */
    public static final class CrashingMain {
        public static void main(String[] args) throws Exception {
            Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            ((sun.misc.Unsafe) f.get(null)).putAddress(0, 0);
        }
    }

    @Test
    void aCrashedWorkersReportIsInTheTemporaryFolderUnderItsProcessId() throws Exception {
        String classPath = System.getProperty("java.class.path");
        List<String> command = new ArrayList<>(WorkerProcess.command(ExtractionLimits.defaults(), WorkerLife.SHORT, classPath, List.of()));
        int main = command.indexOf(ExtractWorker.class.getName());
        command.subList(main, command.size()).clear();
        command.add(CrashingMain.class.getName());
        Path workingFolder = Files.createTempDirectory("worker-cwd-");

        Process p = new ProcessBuilder(command).directory(workingFolder.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

        Path report = WorkerProcess.crashReport(Long.toString(p.pid()));
        try {
            assertThat(p.exitValue()).isNotZero();
            assertThat(report).exists();
            assertThat(Files.readString(report)).contains("A fatal error has been detected");
            try (var left = Files.list(workingFolder)) {
                assertThat(left.toList()).as("nothing written where the worker ran").isEmpty();
            }
        } finally {
            Files.deleteIfExists(report);
            try (var left = Files.list(workingFolder)) {
                for (Path f : left.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(workingFolder);
        }
    }
}
