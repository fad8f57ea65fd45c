#!/usr/bin/env bash
# Upload benchmark: requests per second, MB/s and latency for 10 KiB, 1 MiB and 10 MiB raw POST
# bodies sent to a local origin directly, through Sekisho's HTTP proxy (http.listen) and through
# Squid without inspection, all on 127.0.0.1. See benchmarks/README.md, section "Upload gateway".
#
# Usage (from the repository root, after building):
#   ./mvnw -B -q install -DskipTests
#   bash benchmarks/upload-bench.sh [OUTPUT.tsv]
#
# Needs: java 17+, squid. Builds nothing.
# Environment: QUICK=1 sends a fifth of the requests; SCALE=N multiplies the request counts;
# BODIES limits the measured bodies (default: 10k 1m 10m); PAIRS=N measures Sekisho and Squid N times
# each per body, alternating, and prints the ratio of each pair.
# WARMUP=N scales the unmeasured warm-up rounds (default 1: 4,000 10 KiB, 20 1 MiB and 2 10 MiB uploads each,
# repeated through Sekisho until its JIT compiler has settled; SETTLE_ROUNDS, SETTLE_PERCENT: see bench-lib.sh).
# The last Sekisho row (10m-secret) is a check, not a measurement: its statuses must read 403.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/benchmarks/bench-lib.sh"
OUT=${1:-}
QUICK=${QUICK:-0}
SCALE=${SCALE:-1}

for tool in java squid; do
    command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 2; }
done

bench_work upload-bench

load() { java -cp "$BENCH_JAR" io.sekisho.benchmarks.UploadLoad "$@"; }

# ---------------------------------------------------------------- bodies and the origin
log "work folder $WORK"
load --generate "$WORK/bodies"
ORIGIN_PORT=$(free_port)
java -cp "$BENCH_JAR" io.sekisho.benchmarks.UploadLoad --serve "$ORIGIN_PORT" >"$WORK/origin.log" 2>&1 &
ORIGIN_PID=$!
PIDS+=($!)
wait_for_port "$ORIGIN_PORT" 20 origin
URL=http://127.0.0.1:$ORIGIN_PORT/upload

# ---------------------------------------------------------------- Sekisho (as smtp-bench.sh)
SEK_PORT=$(free_port)
sekisho_setup
# The destination 127.0.0.1 is not in internalDomains: external. The content is clean, so every
# upload is fully inspected and the decision is a plain allow (no audit record).
cat >"$WORK/sekisho/sekisho.yaml" <<CONF
catalogue: $WORK/sekisho/catalogue
internalDomains: [corp.example.co.jp]
instance: bench
http:
  listen: 127.0.0.1:$SEK_PORT
  spoolDir: $WORK/sekisho/spool
audit:
  dir: $WORK/sekisho/audit
  signingKey: $WORK/sekisho/audit-signing.pem
quarantine:
  dir: $WORK/sekisho/quarantine
  key: $WORK/sekisho/quarantine.key
CONF
log "starting Sekisho on 127.0.0.1:$SEK_PORT"
java ${SEKISHO_JAVA_OPTS:-} -jar "$SEKISHO_JAR" serve --config "$WORK/sekisho/sekisho.yaml" >"$WORK/sekisho/serve.log" 2>&1 &
SEKISHO_PID=$!
PIDS+=($!)
wait_for_port "$SEK_PORT" 60 Sekisho || { cat "$WORK/sekisho/serve.log" >&2; exit 1; }

# ---------------------------------------------------------------- Squid, no inspection, no cache
SQUID_PORT=$(free_port)
mkdir -p "$WORK/squid"
chmod 777 "$WORK/squid" # Squid drops root privileges and writes its logs here
cat >"$WORK/squid/squid.conf" <<CONF
http_port 127.0.0.1:$SQUID_PORT
pid_filename $WORK/squid/squid.pid
cache_log $WORK/squid/cache.log
access_log $WORK/squid/access.log
coredump_dir $WORK/squid
cache deny all
cache_mem 8 MB
memory_pools off
netdb_filename none
shutdown_lifetime 0 seconds
http_access allow localhost
http_access deny all
CONF
log "starting Squid on 127.0.0.1:$SQUID_PORT"
squid -N -f "$WORK/squid/squid.conf" >"$WORK/squid/stdout.log" 2>&1 &
PIDS+=($!)
wait_for_port "$SQUID_PORT" 30 Squid || { cat "$WORK/squid/cache.log" >&2; exit 1; }

# ---------------------------------------------------------------- measurements
RESULTS=$WORK/results.tsv
printf 'target\tbody\tclients\trequests\terrors\tseconds\treq_per_s\tmb_per_s\tp50_ms\tp90_ms\tp99_ms\tmax_ms\tstatuses\tload1\n' >"$RESULTS"
count() { local n=$(($1 * SCALE)); ((QUICK == 1)) && n=$(((n + 4) / 5)); echo "$n"; }

run_one() { # target body clients requests-per-client warm-up
    local target=$1 body=$2 clients=$3 per warm=$5 proxy=()
    per=$(count "$4")
    case $target in
        sekisho) proxy=(--proxy 127.0.0.1:"$SEK_PORT") ;;
        squid) proxy=(--proxy 127.0.0.1:"$SQUID_PORT") ;;
    esac
    local line
    line=$(load --url "$URL" --file "$WORK/bodies/body-$body.txt" "${proxy[@]}" --clients "$clients" \
        --requests "$per" --warmup "$warm" --label "$target/$body") || true
    echo "$line" | awk -v t="$target" -v b="$body" -v c="$clients" -v l="$(cut -d' ' -f1 /proc/loadavg)" '{
        for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t, b, c, v["requests"], v["errors"],
            v["seconds"], v["req_per_s"], v["mb_per_s"], v["p50_ms"], v["p90_ms"], v["p99_ms"], v["max_ms"], v["statuses"], l }' >>"$RESULTS"
    tail -n 1 "$RESULTS" | sed 's/^/  /' >&2
}

# Warm-up of each proxy's path, unmeasured. Sekisho is a long-running JVM: its optimising compiler
# keeps working for its first tens of thousands of requests here, taking CPU from the requests on
# the same two cores, so a fixed short warm-up measures compilation rather than the gateway. Rounds
# of 4,000 10 KiB, 20 1 MiB and 2 10 MiB uploads go through Sekisho until its compiler and the origin's have
# settled (settle in bench-lib.sh); Squid, which compiles nothing, gets one round.
# WARMUP=N scales the rounds.
WARMUP=${WARMUP:-1}
warm_round() { # target
    run_one "$1" 10k 8 $((500 * WARMUP)) 0 >/dev/null 2>&1
    run_one "$1" 1m 4 $((5 * WARMUP)) 0 >/dev/null 2>&1
    run_one "$1" 10m 2 $((1 * WARMUP)) 0 >/dev/null 2>&1
}
settle "through Sekisho" "warm_round sekisho" "$SEKISHO_PID" "$ORIGIN_PID"
log "warm-up through Squid, one round"
warm_round squid
printf 'target\tbody\tclients\trequests\terrors\tseconds\treq_per_s\tmb_per_s\tp50_ms\tp90_ms\tp99_ms\tmax_ms\tstatuses\tload1\n' >"$RESULTS"

log "load: $(cat /proc/loadavg) on $(nproc) cores"
# body clients requests-per-client warm-up-per-client; then one client alone for the added latency
for spec in "10k 8 100 10" "10k 1 200 20" "1m 4 10 2" "1m 1 10 2" "10m 2 4 1"; do
    read -r body clients per warm <<<"$spec"
    [[ " ${BODIES:-10k 1m 10m} " == *" $body "* ]] || continue
    log "$body, $clients clients"
    run_one direct "$body" "$clients" "$per" "$warm"
    # PAIRS=N measures Sekisho and Squid N times each, alternating: the machine's speed drifts
    # between rows a few seconds apart by more than the 10% the goal leaves, and pairs taken
    # back to back share the drift. Every row is kept; the ratios per pair are printed below.
    for ((pair = 1; pair <= ${PAIRS:-1}; pair++)); do
        run_one sekisho "$body" "$clients" "$per" "$warm"
        run_one squid "$body" "$clients" "$per" "$warm"
    done
done
log "load: $(cat /proc/loadavg)"
if ((${PAIRS:-1} > 1)); then
    log "Sekisho / Squid, request rate, pair by pair:"
    awk -F'\t' '$1 == "sekisho" { s[$2 " " $3] = s[$2 " " $3] " " $7 }
        $1 == "squid" { q[$2 " " $3] = q[$2 " " $3] " " $7 }
        END { for (k in s) { n = split(s[k], a, " "); split(q[k], b, " "); line = k ":";
              for (i = 1; i <= n; i++) line = line sprintf(" %.2fx", a[i] / b[i]); print "  " line } }' \
        "$RESULTS" | sort >&2
fi

# Check that the big bodies are really inspected: the 10 MiB body with a top-secret catalogue
# document at its very end must be refused (403), not forwarded.
doc=$WORK/sekisho/FC-2024-017-fluorination-route.txt
{ head -c $((10 * 1048576 - $(wc -c <"$doc"))) "$WORK/bodies/body-10m.txt"; cat "$doc"; } >"$WORK/bodies/body-10m-secret.txt"
log "10 MiB with a catalogue document at the end, through Sekisho (expect 403)"
run_one sekisho 10m-secret 1 1 0

# "scan alone" on the same content: the gateway's inspector in process, warm (worker processes
# running), as ScanVsTika measures it; as many callers and workers as the 10 MiB run has clients.
log "scan alone: in-process inspection of the same bodies"
scan_one() { # body clients requests-per-client warm-up
    local line
    line=$(load --scan "$WORK/sekisho/catalogue" --file "$WORK/bodies/body-$1.txt" --clients "$2" \
        --requests "$(count "$3")" --warmup "$4" --label "scan/$1") || true
    echo "$line" | awk -v b="$1" -v c="$2" -v l="$(cut -d' ' -f1 /proc/loadavg)" '{
        for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        printf "scan alone\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\t\t\t%s\t%s\n", b, c, v["requests"], v["errors"],
            v["seconds"], v["req_per_s"], v["mb_per_s"], v["p50_ms"], v["statuses"], l }' >>"$RESULTS"
    tail -n 1 "$RESULTS" | sed 's/^/  /' >&2
}
scan_one 1m 1 10 3
scan_one 10m 2 4 2
scan_one 10m 1 4 2

if grep -Eiq 'exception|error|warn' "$WORK/sekisho/serve.log"; then
    log "Sekisho's log has warnings or errors:"
    grep -Ei 'exception|error|warn' "$WORK/sekisho/serve.log" | sort | uniq -c | sort -rn | head -20 >&2
fi
log "Squid access.log: $(wc -l <"$WORK/squid/access.log") requests, $(grep -vc ' TCP_MISS/200 ' "$WORK/squid/access.log" || true) not TCP_MISS/200"
grep -v " TCP_MISS/200 " "$WORK/squid/access.log" | head -3 >&2 || true

column -t -s $'\t' "$RESULTS"
if [[ -n $OUT ]]; then
    cp "$RESULTS" "$OUT"
    save_log "$WORK/sekisho/serve.log" "${OUT%.tsv}-sekisho.log"
fi
