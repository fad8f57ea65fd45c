#!/usr/bin/env bash
# SMTP benchmark: messages per second and latency for 10 KiB, 100 KiB and 1 MiB messages, plain and
# with a .docx attachment, sent to smtp-sink directly, through Sekisho, and through a private
# Postfix relay, all on 127.0.0.1. See benchmarks/README.md, section "SMTP gateway".
#
# Usage (from the repository root, as root, after building):
#   ./mvnw -B -q install -DskipTests
#   bash benchmarks/smtp-bench.sh [OUTPUT.tsv]
#
# Needs: java 17+, Postfix (postfix, postconf, smtp-sink, smtp-source). Builds nothing.
# Environment: CLIENTS (default 8) concurrent sessions; QUICK=1 sends a tenth of the messages; SCALE=N
# multiplies the measured messages (a 10 KiB row of 400 messages lasts well under a second);
# MESSAGES limits the message types (default: plain-10k plain-100k plain-1m docx-10k docx-100k docx-1m).
# WARMUP=N scales the unmeasured warm-up rounds (default 1: 500 10 KiB messages per client and fewer larger
# ones, repeated through Sekisho until its JIT compiler has settled; SETTLE_ROUNDS, SETTLE_PERCENT: bench-lib.sh).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/benchmarks/bench-lib.sh"
OUT=${1:-}
CLIENTS=${CLIENTS:-8}
QUICK=${QUICK:-0}
SCALE=${SCALE:-1}
MESSAGES=${MESSAGES:-plain-10k plain-100k plain-1m docx-10k docx-100k docx-1m}

for tool in java postfix postconf smtp-sink smtp-source; do
    command -v "$tool" >/dev/null || [[ -x /usr/sbin/$tool ]] || { echo "missing $tool" >&2; exit 2; }
done
if [[ $(id -u) != 0 ]]; then
    echo "run as root (the private Postfix instance is started with postfix -c DIR start)" >&2
    exit 2
fi

bench_work smtp-bench
POSTFIX_STARTED=0
before_cleanup() {
    if [[ $POSTFIX_STARTED == 1 ]]; then
        postfix -c "$WORK/postfix/etc" stop >/dev/null 2>&1
        for _ in $(seq 50); do
            [[ -f $WORK/postfix/queue/pid/master.pid ]] && kill -0 "$(tr -d ' ' <"$WORK/postfix/queue/pid/master.pid")" 2>/dev/null || break
            sleep 0.1
        done
    fi
}

# ---------------------------------------------------------------- messages
log "work folder $WORK"
java -cp "$BENCH_JAR" io.sekisho.benchmarks.SmtpMessages "$WORK/messages" >&2

# ---------------------------------------------------------------- smtp-sink: accepts and discards
SINK_PORT=$(free_port)
smtp-sink -u nobody -m 512 127.0.0.1:"$SINK_PORT" 512 >"$WORK/sink.log" 2>&1 &
PIDS+=($!)
wait_for_port "$SINK_PORT" 10 smtp-sink

# ---------------------------------------------------------------- Sekisho
SEK_PORT=$(free_port)
sekisho_setup
# Recipients are external (partner@example.com) and the content is clean: the default policy's
# outbound rules are all evaluated and the decision is a plain allow (no audit record).
cat >"$WORK/sekisho/sekisho.yaml" <<EOF
catalogue: $WORK/sekisho/catalogue
internalDomains: [corp.example.co.jp]
instance: bench
smtp:
  listen: 127.0.0.1:$SEK_PORT
  nextHop: 127.0.0.1:$SINK_PORT
  hostname: dlp.bench.test
  spoolDir: $WORK/sekisho/spool
audit:
  dir: $WORK/sekisho/audit
  signingKey: $WORK/sekisho/audit-signing.pem
quarantine:
  dir: $WORK/sekisho/quarantine
  key: $WORK/sekisho/quarantine.key
EOF
log "starting Sekisho on 127.0.0.1:$SEK_PORT"
java ${SEKISHO_JAVA_OPTS:-} -jar "$SEKISHO_JAR" serve --config "$WORK/sekisho/sekisho.yaml" >"$WORK/sekisho/serve.log" 2>&1 &
SEKISHO_PID=$!
PIDS+=($!)
wait_for_port "$SEK_PORT" 60 Sekisho || { cat "$WORK/sekisho/serve.log" >&2; exit 1; }

# ---------------------------------------------------------------- a private Postfix relay
PF_PORT=$(free_port)
PF=$WORK/postfix
mkdir -p "$PF/etc" "$PF/queue" "$PF/data"
chown postfix "$PF/data"
cat >"$PF/etc/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $PF/queue
data_directory = $PF/data
mail_owner = postfix
setgid_group = postdrop
myhostname = relay.bench.test
mydomain = bench.test
myorigin = \$myhostname
mydestination =
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
relayhost = [127.0.0.1]:$SINK_PORT
local_transport = error:local delivery is disabled
local_recipient_maps =
alias_maps =
alias_database =
biff = no
smtp_dns_support_level = disabled
smtp_tls_security_level = none
smtpd_tls_security_level = none
maillog_file = $PF/maillog
maillog_file_prefixes = $PF
EOF
cat >"$PF/etc/master.cf" <<EOF
127.0.0.1:$PF_PORT inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
log "starting a private Postfix relay on 127.0.0.1:$PF_PORT (relayhost [127.0.0.1]:$SINK_PORT)"
postfix -c "$PF/etc" check >&2
POSTFIX_STARTED=1
postfix -c "$PF/etc" start >&2
wait_for_port "$PF_PORT" 30 Postfix

queue_length() { find "$PF/queue/incoming" "$PF/queue/active" "$PF/queue/deferred" "$PF/queue/maildrop" -type f 2>/dev/null | wc -l; }
wait_for_empty_queue() {
    local deadline=$((SECONDS + 120))
    while (( $(queue_length) > 0 )); do
        if ((SECONDS > deadline)); then echo "Postfix queue did not drain" >&2; return 1; fi
        sleep 0.05
    done
}

# ---------------------------------------------------------------- measurements
now() { date +%s.%N; }
RESULTS=$WORK/results.tsv
printf 'target\tmessage\ttool\tmessages\terrors\tseconds\tmsgs_per_s\tp50_ms\tp90_ms\tp99_ms\tmax_ms\trelayed_per_s\tload1\tcpu_ms_per_msg\n' >"$RESULTS"
load1() { cut -d' ' -f1 /proc/loadavg; }
# The whole machine's busy CPU time in ms (user, nice, system, irq, softirq, steal from /proc/stat):
# the smtp-source rows record it per message, so that every program the message passes through
# (smtp-source, the target, smtp-sink, the kernel between them) is counted, whatever its processes.
busy_ms() { awk '/^cpu / { printf "%d", ($2 + $3 + $4 + $7 + $8 + $9) * 1000 / '"$(getconf CLK_TCK)"' }' /proc/stat; }

# per client: measured messages and warm-up messages, by size
count() { local n=$(($1 * SCALE)); ((QUICK == 1)) && n=$(((n + 9) / 10)); echo "$n"; }

run_one() { # target port message
    local target=$1 port=$2 msg=$3 per warm serial
    case $msg in
        *-10k) per=$(count 50); warm=5; serial=$(count 40) ;;
        *-100k) per=$(count 25); warm=3; serial=$(count 20) ;;
        *-1m) per=$(count 6); warm=1; serial=$(count 6) ;;
    esac
    local file=$WORK/messages/$msg.eml total=$((per * CLIENTS))

    # 1. smtp-source: the whole file (-F), CLIENTS sessions, connections reused (-d), timed.
    smtp-source -s "$CLIENTS" -m "$((warm * CLIENTS))" -d -F "$file" -M mx.corp.example.co.jp \
        -f bench@corp.example.co.jp -t partner@example.com 127.0.0.1:"$port" >/dev/null 2>&1 || true
    [[ $target == postfix ]] && wait_for_empty_queue
    local t0 t1 t2 c0 c1 rc=0
    c0=$(busy_ms)
    t0=$(now)
    smtp-source -s "$CLIENTS" -m "$total" -d -F "$file" -M mx.corp.example.co.jp \
        -f bench@corp.example.co.jp -t partner@example.com 127.0.0.1:"$port" >"$WORK/smtp-source.out" 2>&1 || rc=$?
    t1=$(now)
    local relayed=""
    if [[ $target == postfix ]]; then
        wait_for_empty_queue
        t2=$(now)
        relayed=$(awk -v n="$total" -v a="$t0" -v b="$t2" 'BEGIN { printf "%.1f", n / (b - a) }')
    fi
    c1=$(busy_ms)  # for Postfix after its queue drained: its delivery is part of the cost
    local errors=0
    if ((rc != 0)); then errors=$(grep -c . "$WORK/smtp-source.out" || true); sed 's/^/  smtp-source: /' "$WORK/smtp-source.out" | head -3 >&2; fi
    awk -v t="$target" -v m="$msg" -v n="$total" -v e="$errors" -v a="$t0" -v b="$t1" -v r="$relayed" \
        -v l="$(load1)" -v c="$((c1 - c0))" \
        'BEGIN { printf "%s\t%s\tsmtp-source\t%d\t%d\t%.2f\t%.1f\t\t\t\t\t%s\t%s\t%.3f\n", t, m, n, e, b - a, n / (b - a), r, l, c / n }' >>"$RESULTS"

    # 2. SmtpLoad: the same, with per-message latency (MAIL FROM to the reply to "."), CLIENTS
    #    sessions; 3. SmtpLoad with one session: latency without queueing (the "added latency").
    local clients line
    for clients in "$CLIENTS" 1; do
        t0=$(now)
        if ((clients == 1)); then
            line=$(java -cp "$BENCH_JAR" io.sekisho.benchmarks.SmtpLoad --port "$port" --file "$file" --clients 1 \
                --messages "$serial" --warmup "$warm" --label "$target/$msg") || true
        else
            line=$(java -cp "$BENCH_JAR" io.sekisho.benchmarks.SmtpLoad --port "$port" --file "$file" --clients "$clients" \
                --messages "$per" --warmup "$warm" --label "$target/$msg") || true
        fi
        relayed=""
        if [[ $target == postfix ]]; then
            wait_for_empty_queue
            t2=$(now)
            local sent=$(( (per + warm) * clients ))
            ((clients == 1)) && sent=$((serial + warm))
            relayed=$(awk -v n="$sent" -v a="$t0" -v b="$t2" 'BEGIN { printf "~%.1f", n / (b - a) }')
        fi
        echo "$line" | awk -v t="$target" -v m="$msg" -v r="$relayed" -v c="$clients" -v l="$(load1)" '{
            for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
            printf "%s\t%s\tSmtpLoad c=%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", t, m, c, v["messages"], v["errors"],
                v["seconds"], v["msgs_per_s"], v["p50_ms"], v["p90_ms"], v["p99_ms"], v["max_ms"], r, l }' >>"$RESULTS"
    done
    tail -n 3 "$RESULTS" | sed 's/^/  /' >&2
}

# A warm-up of every target's whole path before anything is measured. Sekisho is a long-running
# JVM whose optimising compiler keeps working for its first tens of thousands of messages here,
# taking CPU from the messages on the same two cores: with a fixed short warm-up the rows measured
# a partly compiled gateway. Rounds of every message type (per client: 500 10 KiB plain, 50 of
# each 10 KiB .docx and 100 KiB plain, 25 100 KiB .docx, 5 and 3 of the 1 MiB ones) go through
# Sekisho until its compiler has settled (settle in bench-lib.sh); Postfix, which compiles nothing,
# gets one round. WARMUP=N scales the rounds.
WARMUP=${WARMUP:-1}
warm_round() { # port
    local warm
    for warm in plain-10k:500 docx-10k:50 plain-100k:50 docx-100k:25 plain-1m:5 docx-1m:3; do
        [[ " $MESSAGES " == *" ${warm%%:*} "* ]] || continue
        java -cp "$BENCH_JAR" io.sekisho.benchmarks.SmtpLoad --port "$1" --file "$WORK/messages/${warm%%:*}.eml" \
            --clients "$CLIENTS" --messages "$(( ${warm##*:} * WARMUP ))" --warmup 0 --label warm-up >/dev/null || true
    done
}
settle "through Sekisho" "warm_round $SEK_PORT" "$SEKISHO_PID"
log "warm-up through Postfix, one round"
warm_round "$PF_PORT"
wait_for_empty_queue

log "load: $(cat /proc/loadavg) on $(nproc) cores"
for msg in $MESSAGES; do
    log "$msg"
    run_one direct "$SINK_PORT" "$msg"
    run_one sekisho "$SEK_PORT" "$msg"
    run_one postfix "$PF_PORT" "$msg"
done
log "load: $(cat /proc/loadavg)"

# Sekisho must have relayed, not refused: every message got 250 (errors column) and the log is clean.
if grep -Eiq 'exception|error|warn' "$WORK/sekisho/serve.log"; then
    log "Sekisho's log has warnings or errors:"
    grep -Ei 'exception|error|warn' "$WORK/sekisho/serve.log" | sort | uniq -c | sort -rn | head -20 >&2
fi
log "Postfix log: $(grep -c 'status=sent' "$PF/maillog" || true) sent, $(grep -Ec 'status=(deferred|bounced)' "$PF/maillog" || true) deferred/bounced"

column -t -s $'\t' "$RESULTS"
if command -v python3 >/dev/null; then
    python3 "$ROOT/benchmarks/smtp-tables.py" "$RESULTS"
fi
if [[ -n $OUT ]]; then
    cp "$RESULTS" "$OUT"
    save_log "$WORK/sekisho/serve.log" "${OUT%.tsv}-sekisho.log"
fi
