package io.sekisho.gateway;

import io.sekisho.audit.AuditLog;
import io.sekisho.audit.AuditLogOptions;
import io.sekisho.audit.Evidence;
import io.sekisho.catalogue.Catalogue;
import io.sekisho.catalogue.OpenMode;
import io.sekisho.decide.Policy;
import io.sekisho.decide.PolicyLoader;
import io.sekisho.extract.ExtractedPart;
import io.sekisho.extract.ExtractionResult;
import io.sekisho.extract.ExtractionStatus;
import io.sekisho.extract.ExtractionUnavailableException;
import io.sekisho.extract.Extractor;
import io.sekisho.inspect.Inspection;
import io.sekisho.transfer.Channel;
import io.sekisho.transfer.PartContent;
import io.sekisho.transfer.TransferPart;
import io.sekisho.transfer.WorkFolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link TransferInspection#inspect} runs on the caller's thread and keeps its deadline by
 * interrupting that thread: what each part's result is when the deadline or another interrupt
 * comes, and that the deadline's interrupt never outlives the call.
 *
 * <p>Each part's text says what the test extractor does with it: {@code text ...} is extracted at
 * once, {@code block} waits until interrupted, {@code spin N} works N microseconds without looking
 * at interrupts, {@code throw} fails the part, {@code unavailable} is extraction being unavailable.
 */
class TransferInspectionTest {
    @TempDir
    Path tmp;
    private Catalogue catalogue;
    private CatalogueSnapshots snapshots;
    private AuditLog audit;
    private WorkFolder work;
    /** Fine-grained, so that deadlines near a transfer's duration fire while it runs or just after. */
    private final DeadlineWatchdog watchdog = new DeadlineWatchdog("test-deadline", Duration.ofMillis(1));
    /** Which thread extracted each part (by its text). */
    private final Map<String, Thread> extractedOn = new ConcurrentHashMap<>();
    /** Counted down when a {@code block} part starts waiting. */
    private final CountDownLatch blocking = new CountDownLatch(1);

    private final Extractor extractor = new Extractor() {
        @Override
        public ExtractionResult extract(String name, byte[] bytes, String declaredType, boolean gatewayText,
                                        FileSource asFile) {
            String text = new String(bytes, StandardCharsets.UTF_8);
            extractedOn.put(text, Thread.currentThread());
            if (text.equals("block")) {
                blocking.countDown();
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return ExtractionResult.failure(ExtractionStatus.FAILED, "interrupted");
                }
            } else if (text.startsWith("spin ")) {
                long until = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(Long.parseLong(text.substring(5)));
                while (System.nanoTime() - until < 0) {
                    Thread.onSpinWait();
                }
            } else if (text.equals("throw")) {
                throw new IllegalStateException("parser bug");
            } else if (text.equals("unavailable")) {
                throw new ExtractionUnavailableException("no extraction worker could be started: test", null);
            }
            return ExtractionResult.of(List.of(new ExtractedPart(name, "text/plain", bytes.length,
                    ExtractionStatus.COMPLETE, null, text)));
        }

        @Override
        public ExtractionResult extract(Path file) {
            throw new AssertionError("every part is in memory");
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void stages() throws Exception {
        catalogue = Catalogue.open(tmp.resolve("catalogue"), OpenMode.CREATE_IF_MISSING);
        snapshots = new CatalogueSnapshots(catalogue, Duration.ofSeconds(1));
        audit = AuditLog.open(tmp.resolve("audit"), AuditLogOptions.defaults().withInstance("test"));
        work = new WorkFolder(tmp.resolve("spool"), "inspect-", 0);
    }

    @AfterEach
    void close() throws Exception {
        // A test that failed must not leave the runner's thread interrupted for the next one.
        Thread.interrupted();
        work.close();
        audit.close();
        snapshots.close();
        catalogue.close();
    }

    private TransferInspection inspection(Duration deadline) {
        Policy policy = new PolicyLoader(catalogue.settings().levels()).parse("default", Gateway.defaultPolicy())
                .withInternalDomains(List.of("corp.example.co.jp"));
        return new TransferInspection(extractor, snapshots, () -> policy, audit, Evidence.HASH, deadline,
                "http.inspectionTimeout", GatewayMetrics.NONE, watchdog);
    }

    private static List<TransferPart> parts(String... texts) {
        return java.util.stream.IntStream.range(0, texts.length).mapToObj(i -> {
            byte[] bytes = texts[i].getBytes(StandardCharsets.UTF_8);
            return new TransferPart("part-" + i + ".txt", "text/plain", bytes.length, null, PartContent.of(bytes));
        }).toList();
    }

    private static List<String> statuses(List<Inspection> inspections) {
        return inspections.stream().map(i -> i.extraction().status().reason()).toList();
    }

    @Test
    void everyPartIsInspectedOnTheCallersThread() {
        List<Inspection> result = inspection(Duration.ofSeconds(30))
                .inspect(Channel.HTTP, parts("text one", "text two"), work);

        assertThat(statuses(result)).containsExactly("complete", "complete");
        assertThat(extractedOn).containsOnlyKeys("text one", "text two");
        assertThat(extractedOn.values()).containsOnly(Thread.currentThread());
        assertThat(watchdog.openGuards()).isZero();
    }

    @Test
    void theDeadlineTimesOutThePartInProgressAndTheRestButKeepsWhatWasDone() {
        long start = System.nanoTime();
        List<Inspection> result = inspection(Duration.ofMillis(300))
                .inspect(Channel.HTTP, parts("text before", "block", "text after"), work);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(statuses(result)).containsExactly("complete", "timed-out", "timed-out");
        assertThat(result.get(0).extraction().parts()).extracting(ExtractedPart::text).containsExactly("text before");
        assertThat(result.get(1).extraction().detail()).isEqualTo("not inspected within http.inspectionTimeout (0 s)");
        assertThat(result.get(2).extraction().detail()).isEqualTo("not inspected within http.inspectionTimeout (0 s)");
        assertThat(extractedOn).as("nothing after the deadline was started").doesNotContainKey("text after");
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(300)).isLessThan(Duration.ofSeconds(5));
        assertThat(Thread.currentThread().isInterrupted()).as("the deadline's interrupt is cleared").isFalse();
    }

    @Test
    void noInterruptFromTheDeadlineOutlivesAnInspectionThatEndsAroundIt() {
        TransferInspection inspection = inspection(Duration.ofMillis(2));
        int timedOut = 0;
        int complete = 0;
        for (int i = 0; i < 400; i++) {
            // Work from well before to well after the deadline (with the watchdog's tick, up to
            // 3 ms), so the watchdog fires during the work, just after it, or not at all.
            long micros = ThreadLocalRandom.current().nextLong(500, 5_000);
            List<Inspection> result = inspection.inspect(Channel.HTTP, parts("spin " + micros, "text"), work);

            assertThat(Thread.interrupted()).as("interrupted after inspection %d", i).isFalse();
            List<String> s = statuses(result);
            assertThat(s).isIn(List.of("complete", "complete"), List.of("complete", "timed-out"),
                    List.of("timed-out", "timed-out"));
            if (s.get(1).equals("timed-out")) {
                timedOut++;
            } else {
                complete++;
            }
        }
        assertThat(timedOut).as("inspections cut by the deadline").isPositive();
        assertThat(complete).as("inspections done in time").isPositive();
        assertThat(watchdog.openGuards()).isZero();
    }

    @Test
    void anInterruptFromElsewhereFailsThePartsLeftAndStaysSet() throws Exception {
        Thread caller = Thread.currentThread();
        Thread stopper = new Thread(() -> {
            try {
                blocking.await();
                caller.interrupt();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        stopper.start();

        List<Inspection> result = inspection(Duration.ofSeconds(30))
                .inspect(Channel.HTTP, parts("text before", "block", "text after"), work);
        // Read (and clear) the flag before joining: a join would throw on it.
        boolean interrupted = Thread.interrupted();
        stopper.join();

        assertThat(interrupted).as("the gateway's interrupt is left for the caller").isTrue();
        assertThat(statuses(result)).containsExactly("complete", "failed", "failed");
        assertThat(result.get(1).extraction().detail()).isEqualTo("interrupted (gateway stopping)");
        assertThat(result.get(2).extraction().detail()).isEqualTo("interrupted (gateway stopping)");
        assertThat(watchdog.openGuards()).isZero();
    }

    @Test
    void aPartThatThrowsIsFailedAndTheOthersAreStillInspected() {
        List<Inspection> result = inspection(Duration.ofSeconds(30))
                .inspect(Channel.HTTP, parts("throw", "text after"), work);

        assertThat(statuses(result)).containsExactly("failed", "complete");
        assertThat(result.get(0).extraction().detail()).isEqualTo("inspection failed: parser bug");
    }

    @Test
    void extractionBeingUnavailablePropagatesSoTheChannelDefers() {
        assertThatThrownBy(() -> inspection(Duration.ofSeconds(30))
                .inspect(Channel.HTTP, parts("text before", "unavailable"), work))
                .isInstanceOf(ExtractionUnavailableException.class);

        assertThat(watchdog.openGuards()).as("the guard is closed on the way out").isZero();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }
}
