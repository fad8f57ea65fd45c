"""Markdown tables for benchmarks/README.md from the results of smtp-bench.sh (a TSV file)."""
import csv
import sys

rows = {(r['target'], r['message'], r['tool']): r
        for r in csv.DictReader(open(sys.argv[1]), delimiter='\t')}
MESSAGES = ['plain-10k', 'plain-100k', 'plain-1m', 'docx-10k', 'docx-100k', 'docx-1m']
NAMES = {'plain-10k': '10 KiB plain', 'plain-100k': '100 KiB plain', 'plain-1m': '1 MiB plain',
         'docx-10k': '10 KiB + .docx', 'docx-100k': '100 KiB + .docx', 'docx-1m': '1 MiB + .docx'}
TARGETS = {'direct': 'direct', 'sekisho': '**Sekisho**', 'postfix': 'Postfix'}


def f(x):
    if x in (None, ''):
        return "n/a"  # the row failed (its error is in the script's output)
    x = float(x.lstrip('~')) if isinstance(x, str) else float(x)
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.1f}" if abs(x) >= 1 else f"{x:.2f}"


def signed(x):
    return ("+" if x >= 0 else "−") + f(abs(x))


print("| message | target | msg/s smtp-source | msg/s SmtpLoad | p50 ms | p99 ms | p50 ms, 1 client "
      "| p99 ms, 1 client | Postfix: delivered msg/s |")
print("|---|---|---|---|---|---|---|---|---|")
for m in [m for m in MESSAGES if ('direct', m, 'smtp-source') in rows]:
    for t, name in TARGETS.items():
        s, a, b = (rows[(t, m, tool)] for tool in ('smtp-source', 'SmtpLoad c=8', 'SmtpLoad c=1'))
        delivered = f(s['relayed_per_s']) if t == 'postfix' else ''
        print(f"| {NAMES[m]} | {name} | {f(s['msgs_per_s'])} | {f(a['msgs_per_s'])} | {f(a['p50_ms'])} "
              f"| {f(a['p99_ms'])} | {f(b['p50_ms'])} | {f(b['p99_ms'])} | {delivered} |")
print()
print("| message | Sekisho p50 / p99, 1 client | Postfix p50 / p99, 1 client | Sekisho p50 / p99, 8 clients "
      "| Postfix p50 / p99, 8 clients |")
print("|---|---|---|---|---|")
for m in [m for m in MESSAGES if ('direct', m, 'smtp-source') in rows]:
    cells = []
    for tool in ('SmtpLoad c=1', 'SmtpLoad c=8'):
        d = rows[('direct', m, tool)]
        for t in ('sekisho', 'postfix'):
            x = rows[(t, m, tool)]
            if '' in (x['p50_ms'], d['p50_ms'], x['p99_ms'], d['p99_ms']):
                cells.append("n/a")
                continue
            cells.append(signed(float(x['p50_ms']) - float(d['p50_ms'])) + " / "
                         + signed(float(x['p99_ms']) - float(d['p99_ms'])))
    print(f"| {NAMES[m]} | " + " | ".join(cells) + " |")
print()
# Whole-machine CPU per message in the smtp-source rows (older result files lack the column). What
# a target adds to direct is what it costs to pass a message on: the budget a goal leaves it.
if all('cpu_ms_per_msg' in r and r['cpu_ms_per_msg'] for r in rows.values() if r['tool'] == 'smtp-source'):
    print("| message | CPU ms per message: direct | Sekisho | Postfix (until delivered) "
          "| added by Sekisho | added by Postfix |")
    print("|---|---|---|---|---|---|")
    for m in [m for m in MESSAGES if ('direct', m, 'smtp-source') in rows]:
        d, s, p = (float(rows[(t, m, 'smtp-source')]['cpu_ms_per_msg']) for t in ('direct', 'sekisho', 'postfix'))
        print(f"| {NAMES[m]} | {f(d)} | {f(s)} | {f(p)} | {f(s - d)} | {f(p - d)} |")
