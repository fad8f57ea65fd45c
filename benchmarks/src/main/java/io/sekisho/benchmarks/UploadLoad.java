package io.sekisho.benchmarks;

import com.sun.net.httpserver.HttpServer;
import io.sekisho.catalogue.Catalogue;
import io.sekisho.catalogue.CatalogueSnapshot;
import io.sekisho.catalogue.OpenMode;
import io.sekisho.extract.ExtractionLimits;
import io.sekisho.extract.IsolatedExtractor;
import io.sekisho.inspect.Inspector;
import io.sekisho.match.Matcher;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The upload benchmark's helper ({@code benchmarks/upload-bench.sh}), in three modes:
 *
 * <ul>
 * <li>{@code --generate DIR}: writes {@code body-10k.txt}, {@code body-1m.txt} and {@code body-10m.txt},
 * plain text of unrelated generated words (10 KiB, 1 MiB, 10 MiB).</li>
 * <li>{@code --serve PORT}: the origin, a {@link HttpServer} on 127.0.0.1:PORT that reads every request body,
 * discards it and answers 200 with no body. Runs until killed.</li>
 * <li>{@code --url URL --file F [--proxy HOST:PORT] [--clients 8] [--requests 50] [--warmup 5] [--label L]}:
 * {@code clients} threads sharing one HTTP/1.1 {@link HttpClient} (through the proxy when given, set with
 * {@link ProxySelector#of}), each POSTing F as a raw {@code application/octet-stream} body {@code requests}
 * times after {@code warmup} unmeasured requests (all clients start the measured part together). Latency is
 * from sending the request to having the whole response. Prints one line:
 * {@code label=L requests=N errors=E seconds=S req_per_s=R mb_per_s=M p50_ms=.. p90_ms=.. p99_ms=.. max_ms=..
 * statuses=200:N,...}; MB is 10^6 bytes of request body. Exit code 1 when any request did not get 200.</li>
 * <li>{@code --scan CATALOGUE --file F [--clients 2] [--requests 4] [--warmup 1]}: "scan alone", in process and
 * warm, as {@code ScanVsTika} measures it: the gateway's {@link Inspector} (isolated extractor with {@code clients}
 * worker processes, matcher over the catalogue) inspecting F {@code requests} times from each of {@code clients}
 * threads, after {@code warmup} unmeasured inspections each. Prints the same line (no latency percentiles:
 * {@code p50_ms} is the mean per inspection).</li>
 * </ul>
 */
public final class UploadLoad {
    private UploadLoad() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new HashMap<>(Map.of("--clients", "8", "--requests", "50", "--warmup", "5",
                "--label", "-"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i], args[i + 1]);
        }
        if (o.containsKey("--generate")) {
            generate(Path.of(o.get("--generate")));
        } else if (o.containsKey("--serve")) {
            serve(Integer.parseInt(o.get("--serve")));
        } else if (o.containsKey("--scan") && o.containsKey("--file")) {
            scan(o);
        } else if (o.containsKey("--url") && o.containsKey("--file")) {
            System.exit(load(o));
        } else {
            System.err.println("usage: UploadLoad --generate DIR | --serve PORT | --url URL --file F [--proxy HOST:PORT]"
                    + " [--clients N] [--requests M] [--warmup W] [--label L]");
            System.exit(2);
        }
    }

    private static void generate(Path dir) throws IOException {
        Files.createDirectories(dir);
        Random random = new Random(20261126L);
        String[] syllables = {"ka", "to", "mi", "ra", "ne", "so", "lu", "pe", "di", "vo", "an", "el", "or", "us", "ik",
            "ba", "fe", "gu", "hi", "jo", "ze", "qu", "wy", "xe"};
        String[] words = new String[4000];
        for (int i = 0; i < words.length; i++) {
            StringBuilder w = new StringBuilder();
            int n = 1 + random.nextInt(4);
            for (int j = 0; j < n; j++) {
                w.append(syllables[random.nextInt(syllables.length)]);
            }
            words[i] = w.toString();
        }
        for (Map.Entry<String, Integer> e : Map.of("body-10k.txt", 10 << 10, "body-1m.txt", 1 << 20,
                "body-10m.txt", 10 << 20).entrySet()) {
            StringBuilder text = new StringBuilder(e.getValue() + 100);
            int line = 0;
            while (text.length() < e.getValue()) {
                String w = words[random.nextInt(words.length)];
                text.append(w);
                line += w.length() + 1;
                if (line > 72) {
                    text.append(random.nextInt(8) == 0 ? ".\n" : "\n");
                    line = 0;
                } else {
                    text.append(' ');
                }
            }
            text.setLength(e.getValue());
            Files.writeString(dir.resolve(e.getKey()), text, StandardCharsets.US_ASCII);
        }
    }

    private static void scan(Map<String, String> o) throws Exception {
        Path file = Path.of(o.get("--file"));
        int clients = Integer.parseInt(o.get("--clients"));
        int requests = Integer.parseInt(o.get("--requests"));
        int warmup = Integer.parseInt(o.get("--warmup"));
        AtomicLong matched = new AtomicLong();
        double seconds;
        try (Catalogue catalogue = Catalogue.open(Path.of(o.get("--scan")), OpenMode.MUST_EXIST);
             CatalogueSnapshot snapshot = catalogue.snapshot();
             IsolatedExtractor extractor = new IsolatedExtractor(ExtractionLimits.defaults().withWorkerCount(clients))) {
            Matcher matcher = new Matcher(snapshot);
            Inspector inspector = new Inspector(extractor, () -> matcher);
            CyclicBarrier start = new CyclicBarrier(clients + 1);
            List<Thread> threads = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                Thread t = new Thread(() -> {
                    try {
                        for (int i = 0; i < warmup; i++) {
                            inspector.inspect(file.toString(), file);
                        }
                        start.await();
                        for (int i = 0; i < requests; i++) {
                            matched.addAndGet(inspector.inspect(file.toString(), file).matched() ? 1 : 0);
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                threads.add(t);
                t.start();
            }
            start.await();
            long t0 = System.nanoTime();
            for (Thread t : threads) {
                t.join();
            }
            seconds = (System.nanoTime() - t0) / 1e9;
        }
        long n = (long) requests * clients;
        System.out.println(String.format(Locale.ROOT,
                "label=%s requests=%d errors=0 seconds=%.2f req_per_s=%.2f mb_per_s=%.2f p50_ms=%.2f statuses=matched:%d",
                o.get("--label"), n, seconds, n / seconds, n * (double) Files.size(file) / 1e6 / seconds,
                seconds * 1000 * clients / n, matched.get()));
    }

    private static void serve(int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 256);
        server.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                byte[] buffer = new byte[65536];
                while (in.read(buffer) >= 0) {
                    // discard
                }
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.setExecutor(Executors.newFixedThreadPool(16));
        server.start();
        System.out.println("origin listening on 127.0.0.1:" + port);
    }

    private static int load(Map<String, String> o) throws Exception {
        byte[] body = Files.readAllBytes(Path.of(o.get("--file")));
        int clients = Integer.parseInt(o.get("--clients"));
        int requests = Integer.parseInt(o.get("--requests"));
        int warmup = Integer.parseInt(o.get("--warmup"));
        URI uri = URI.create(o.get("--url"));
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(30));
        if (o.containsKey("--proxy")) {
            String[] hp = o.get("--proxy").split(":");
            builder.proxy(ProxySelector.of(new InetSocketAddress(hp[0], Integer.parseInt(hp[1]))));
        }
        HttpClient client = builder.build();
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();

        Histogram histogram = new Histogram(3_600_000_000_000L, 3);
        AtomicLong errors = new AtomicLong();
        Map<String, AtomicLong> statuses = new ConcurrentHashMap<>();
        CyclicBarrier start = new CyclicBarrier(clients + 1);
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            Thread t = new Thread(() -> {
                try {
                    for (int i = 0; i < warmup; i++) {
                        send(client, request);
                    }
                    start.await();
                    for (int i = 0; i < requests; i++) {
                        long t0 = System.nanoTime();
                        String status = send(client, request);
                        long t1 = System.nanoTime();
                        statuses.computeIfAbsent(status, k -> new AtomicLong()).incrementAndGet();
                        if (status.equals("200")) {
                            synchronized (histogram) {
                                histogram.recordValue(t1 - t0);
                            }
                        } else {
                            errors.incrementAndGet();
                        }
                    }
                } catch (Exception e) {
                    errors.incrementAndGet();
                    System.err.println("client failed: " + e);
                }
            });
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        start.await();
        long t0 = System.nanoTime();
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long n = (long) requests * clients;
        StringBuilder st = new StringBuilder();
        statuses.forEach((k, v) -> st.append(st.length() == 0 ? "" : ",").append(k).append(':').append(v.get()));
        System.out.println(String.format(Locale.ROOT,
                "label=%s requests=%d errors=%d seconds=%.2f req_per_s=%.1f mb_per_s=%.2f p50_ms=%.2f p90_ms=%.2f"
                        + " p99_ms=%.2f max_ms=%.2f statuses=%s",
                o.get("--label"), n, errors.get(), seconds, n / seconds, n * (double) body.length / 1e6 / seconds,
                histogram.getValueAtPercentile(50) / 1e6, histogram.getValueAtPercentile(90) / 1e6,
                histogram.getValueAtPercentile(99) / 1e6, histogram.getMaxValue() / 1e6, st));
        return errors.get() == 0 ? 0 : 1;
    }

    private static String send(HttpClient client, HttpRequest request) {
        try {
            HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            return Integer.toString(response.statusCode());
        } catch (IOException e) {
            return "io-" + e.getClass().getSimpleName();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
