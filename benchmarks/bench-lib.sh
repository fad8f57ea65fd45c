# Shared by smtp-bench.sh and upload-bench.sh (sourced, not run): the built jars, a work folder
# removed at exit with every process the script started, a log line, and loopback ports.
# The sourcing script sets ROOT and may define before_cleanup (run first at exit, e.g. to stop a
# private Postfix) and appends the pids of what it starts in the background to PIDS.

SEKISHO_JAR=$ROOT/gateway/target/sekisho.jar
BENCH_JAR=$ROOT/benchmarks/target/benchmarks.jar

for jar in "$SEKISHO_JAR" "$BENCH_JAR"; do
    if [[ ! -f $jar ]]; then
        echo "missing $jar: build first with ./mvnw -B -q install -DskipTests" >&2
        exit 2
    fi
done
export PATH=$PATH:/usr/sbin

# bench_work NAME: a fresh work folder in $WORK, cleaned up with the started processes at exit.
bench_work() {
    WORK=$(mktemp -d "/tmp/sekisho-$1.XXXXXX")
    chmod 755 "$WORK"
    PIDS=()
    trap bench_cleanup EXIT
    trap 'exit 130' INT TERM
}

bench_cleanup() {
    set +e
    if declare -F before_cleanup >/dev/null; then
        before_cleanup
    fi
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null
    done
    for pid in "${PIDS[@]}"; do
        wait "$pid" 2>/dev/null
    done
    rm -rf "$WORK"
}

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# A free loopback port, starting from a random one below the kernel's range for outgoing
# connections: a port from that range can be taken by one of the benchmark's own connections (the
# proxies open one per request) between this check and the server's bind, which failed runs with
# "Address already in use". Sockets in any state count as taking the port.
free_port() {
    local low
    low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
    ((low > 12000)) || low=32768
    local p=$((10000 + RANDOM % (low - 11000)))
    while ss -Htan "sport = :$p" | grep -q .; do p=$((p + 1)); done
    echo "$p"
}

wait_for_port() { # port seconds what
    local deadline=$((SECONDS + $2))
    until (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; do
        if ((SECONDS > deadline)); then
            echo "$3 did not listen on 127.0.0.1:$1 within $2 s" >&2
            return 1
        fi
        sleep 0.2
    done
}

sekisho() { java -jar "$SEKISHO_JAR" "$@"; }

# jit_ticks PID...: CPU time, in clock ticks, used so far by the optimising (C2) compiler threads of
# these JVMs and of their child processes: the gateway's extraction workers compile too (ADR 0016)
# (the kernel truncates the threads' names to "C2 CompilerThre").
jit_ticks() {
    local pid task sum=0
    for pid in "$@" $(for p in "$@"; do pgrep -P "$p"; done); do
        for task in /proc/"$pid"/task/*; do
            [[ $(cat "$task/comm" 2>/dev/null) == "C2 Compiler"* ]] || continue
            sum=$((sum + $(awk '{print $14 + $15}' "$task/stat" 2>/dev/null || echo 0)))
        done
    done
    echo "$sum"
}

# settle LABEL ROUND PID...: runs the command ROUND (unmeasured traffic) again and again until the
# JVMs PID... have settled: their optimising compilers used less than SETTLE_PERCENT (default 2) percent
# of one core during a whole round. At most SETTLE_ROUNDS (default 15) rounds; then it measures anyway
# and says so. A long-running gateway is measured in its steady state: on two cores the compiler
# shares them with the traffic and needs some 30,000 small transfers to finish (benchmarks/README.md).
settle() {
    local label=$1 round=$2 r c0 c1 t0 t1 ms jit
    shift 2
    local hz
    hz=$(getconf CLK_TCK)
    for ((r = 1; r <= ${SETTLE_ROUNDS:-15}; r++)); do
        c0=$(jit_ticks "$@")
        t0=$(date +%s%N)
        eval "$round"
        c1=$(jit_ticks "$@")
        t1=$(date +%s%N)
        ms=$(((t1 - t0) / 1000000 + 1))
        jit=$(((c1 - c0) * 1000 / hz))
        log "warm-up $label, round $r: $ms ms, optimising compiler $jit ms ($((jit * 100 / ms))% of a core)"
        if ((jit * 100 < ${SETTLE_PERCENT:-2} * ms)); then
            return 0
        fi
    done
    log "warm-up $label: the compiler had not settled after ${SETTLE_ROUNDS:-15} rounds; measuring anyway"
}

# sekisho_setup: in $WORK/sekisho, a catalogue of three demo documents (one per level), an audit
# signing key and a quarantine key, as an administrator would make them; the caller writes
# sekisho.yaml next to them.
sekisho_setup() {
    mkdir -p "$WORK/sekisho"
    log "catalogue, keys and configuration for Sekisho"
    local doc name level
    for doc in FC-2024-017-fluorination-route:top-secret LCD-ALN-0032-alignment-layer:secret \
               JR-2025-ORB-joint-research-plan:confidential; do
        name=${doc%%:*}
        level=${doc##*:}
        unzip -p "$SEKISHO_JAR" "io/sekisho/demo/documents/$name.txt" >"$WORK/sekisho/$name.txt"
        sekisho catalogue add --catalogue "$WORK/sekisho/catalogue" --classification "$level" "$WORK/sekisho/$name.txt" >/dev/null
    done
    sekisho audit keygen --key "$WORK/sekisho/audit-signing.pem" --public-key "$WORK/sekisho/audit-signing.pub" >/dev/null
    sekisho quarantine keygen --key "$WORK/sekisho/quarantine.key" >/dev/null
}

# save_log SRC DEST: Sekisho's log without its one or two INFO lines per transfer (tens of
# thousands in a run, all alike), with how many were left out; warnings, errors, start-up and
# connection lines stay, so the saved log still shows that a run was clean.
PER_TRANSFER=' INFO io\.sekisho\.(gateway\.Inspecting(Message|Upload)Processor|receive\.smtp\.MessageDelivery|receive\.http\.ProxyFrontendHandler) - \['
save_log() {
    grep -Ev "$PER_TRANSFER" "$1" >"$2" || true
    echo "[$(grep -Ec "$PER_TRANSFER" "$1") per-transfer INFO lines left out by save_log]" >>"$2"
}
