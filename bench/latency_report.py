"""Summary of the latency scenario (bench/latency.sh): effective round trips per contender.

    python latency_report.py RESULTS_DIR CHART_PNG [mint|register|ard]

Reads RESULTS_DIR/latency.txt (the RTTs and run counts), latency.rtt<RTT>.json (merged hyperfine
exports), latency.connections.tsv and latency.probe.tsv; writes RESULTS_DIR/latency.md and
CHART_PNG (median wall time against RTT, with the fitted lines and the two floors), and prints the
summary. For the register and ard scenarios the files are named latency-register.* and
latency-ard.* instead.

A contender's effective round trips are the least-squares slope of its median wall time against
the RTT (seconds per second of RTT). The 95 % interval comes from a bootstrap: each RTT's runs
resampled with replacement, medians and slope recomputed, 2,000 times (fixed seed). The slope of
the per-RTT minimums is given too: on a shared machine a burst of load at one RTT moves the
Python flow's median (~300 ms of CPU per run) far more than its minimum.
"""

import json
import os
import random
import statistics
import sys

SCENARIOS = {
    "mint": {
        "name": "latency",
        "what": "`mint`",
        "contenders": [  # (command prefix, short name, colour)
            ("sasmint", "sasmint mint", "#4c72b0"),
            ("Python", "Python SDK flow", "#8c8c8c"),
            ("curl", "curl floor (2 curls)", "#dd8452"),
        ],
        "connections": ["storage", "token"],
        "floors": [
            # token endpoint: TCP + GET; storage: TCP + TLS 1.3 + POST
            ("sequential", 5, "token (TCP + GET), then storage (TCP + TLS 1.3 + POST)", "1, 1"),
            # storage TCP + TLS opened while the token comes (2), then the POST
            ("overlapped", 3, "storage TCP + TLS while the token comes, then the POST", "1, 1"),
        ],
        # issue 15: sasmint mint with the token endpoint behind the same delay
        "target": 3.5,
        "title": "One-token mint against RTT: slope = effective round trips",
        "xlabel": "added round-trip time (ms), to both Azurite and the token endpoint",
    },
    "register": {
        "name": "latency-register",
        "what": "`geocatalog register` (rotating its source)",
        "contenders": [
            ("sasmint geocatalog", "sasmint geocatalog register", "#4c72b0"),
            ("sasmint (before)", "the build in SASMINT_BEFORE", "#8c8c8c"),
        ],
        "connections": ["storage", "token", "catalog"],
        "floors": [
            # each request after the one before, each connection opened when first needed (and
            # kept): catalog token TCP + GET (2), lookup TCP + TLS + GET (3), storage token GET (1),
            # key TCP + TLS + POST (3), PUT (1)
            ("sequential", 10, "every request after the one before, each connection opened when first needed", "1, 1, 1"),
            # both tokens at once (TCP + GET: 2) while the catalog and storage connections open
            # (TCP + TLS: 2), then the lookup beside the key POST (1), then the PUT (1)
            ("overlapped", 4, "both tokens at once while both connections open, then lookup beside key, then PUT", "1, 2, 1"),
        ],
        # issue 15: within one round trip of the overlapped floor
        "target": 5,
        "title": "geocatalog register (rotation) against RTT: slope = effective round trips",
        "xlabel": "added round-trip time (ms), to Azurite, the token endpoint and the catalog",
    },
    "ard": {
        "name": "latency-ard",
        "what": "`ard register` (rotating its credentials, password sign-in)",
        "contenders": [
            ("sasmint ard", "sasmint ard register", "#4c72b0"),
            ("sasmint (before)", "the build in SASMINT_BEFORE", "#8c8c8c"),
        ],
        "connections": ["storage", "token", "ARD"],
        "floors": [
            # storage token TCP + GET (2), key TCP + TLS + POST (3), sign-in TCP + TLS + POST
            # (3), account GET (1), the stored description GET (1), PUT (1)
            ("sequential", 11, "every request after the one before, each connection opened when first needed", "1, 1, 1"),
            # ARD: TCP + TLS (2), sign-in (1), account (1), stored description (1), each needing
            # the one before, then the PUT (1); the storage token and key (3) fit beside them
            ("overlapped", 6, "ARD's chain (handshake, sign-in, account, description) beside token and key, then PUT", "1, 1, 1"),
        ],
        # not an issue-15 target: within one round trip of the floor, as for geocatalog register
        "target": 7,
        "title": "ard register (rotation) against RTT: slope = effective round trips",
        "xlabel": "added round-trip time (ms), to Azurite, the token endpoint and Maxar ARD",
    },
}


def fit(xs, ys):
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
    intercept = my - slope * mx
    ss_res = sum((y - intercept - slope * x) ** 2 for x, y in zip(xs, ys))
    ss_tot = sum((y - my) ** 2 for y in ys)
    r2 = 1 - ss_res / ss_tot if ss_tot else 1.0
    return slope, intercept, r2


def bootstrap(xs, samples, n=2000, seed=15):
    rng = random.Random(seed)
    slopes = []
    for _ in range(n):
        ys = [statistics.median(rng.choices(s, k=len(s))) for s in samples]
        slopes.append(fit(xs, ys)[0])
    slopes.sort()
    return slopes[int(0.025 * n)], slopes[int(0.975 * n) - 1]


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:.1f}"


def main() -> None:
    results, chart = sys.argv[1], sys.argv[2]
    scenario = SCENARIOS[sys.argv[3] if len(sys.argv) > 3 else "mint"]
    name = scenario["name"]
    meta = {}
    with open(os.path.join(results, f"{name}.txt"), encoding="utf-8") as f:
        for line in f:
            k, _, v = line.rstrip("\n").partition("=")
            meta[k] = v
    rtts = [int(r) for r in meta["rtts"].split()]
    xs = [r / 1e3 for r in rtts]

    rows = {}
    for rtt in rtts:
        with open(os.path.join(results, f"{name}.rtt{rtt}.json"), encoding="utf-8") as f:
            for r in json.load(f)["results"]:
                rows.setdefault(r["command"], {})[rtt] = r["times"]

    connections = {}
    path = os.path.join(results, f"{name}.connections.tsv")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            next(f)
            for line in f:
                command, *counts = line.rstrip("\n").split("\t")
                connections[command] = counts

    fits = []
    for prefix, short, colour in scenario["contenders"]:
        command = next((c for c in rows if c.startswith(prefix)), None)
        if command is None:
            continue
        samples = [rows[command][r] for r in rtts]
        medians = [statistics.median(s) for s in samples]
        slope, intercept, r2 = fit(xs, medians)
        lo, hi = bootstrap(xs, samples)
        min_slope = fit(xs, [min(s) for s in samples])[0]
        fits.append((command, short, colour, medians, slope, intercept, r2, lo, hi, min_slope))

    out = []
    out.append(
        f"Machine: {meta.get('cpu', '?')}, {meta.get('cores', '?')} cores. {meta.get('sasmint', '?')};"
        f" {meta.get('python', '?')}; {meta.get('curl', '?').split(' (')[0]}; {meta.get('hyperfine', '?')}."
    )
    out.append(
        f"Runs per contender and RTT: {meta.get('runs', '?')} ({meta.get('rounds', '?')} round(s),"
        f" {meta.get('warmup', '?')} warm-up per round). Medians in ms. Load average (1, 5, 15 min)"
        f" before: {meta.get('load_before', '?')}; after: {meta.get('load_after', '?')}."
    )
    out.append("")
    head = (
        "| contender | " + " | ".join(f"RTT {r} ms" for r in rtts)
        + " | effective round trips (slope) | 95 % interval | slope of the minimums | intercept | R² |"
        + f" connections ({', '.join(scenario['connections'])}) |"
    )
    out.append(head)
    out.append("|---|" + "---:|" * len(rtts) + "---:|---:|---:|---:|---:|---:|")
    for command, short, _, medians, slope, intercept, r2, lo, hi, min_slope in fits:
        conn = connections.get(command)
        out.append(
            f"| {command} | " + " | ".join(ms(m) for m in medians)
            + f" | **{slope:.2f}** | {lo:.2f} – {hi:.2f} | {min_slope:.2f} | {ms(intercept)} ms | {r2:.4f} | "
            + (", ".join(conn) if conn else "?") + " |"
        )
    blank = " | ".join("" for _ in rtts)
    for kind, k, how, conns in scenario["floors"]:
        out.append(f"| {kind} floor: {how} | {blank} | {k} | | | | | {conns} |")
    out.append("")
    s = fits[0] if fits and fits[0][0].startswith(scenario["contenders"][0][0]) else None
    if s:
        target = scenario["target"]
        ok = s[4] <= target
        out.append(
            f"Target: sasmint {scenario['what']} ≤ {target} effective round trips: {s[4]:.2f}"
            f" — **{'met' if ok else 'not met'}**."
        )
        out.append("")

    probe = os.path.join(results, f"{name}.probe.tsv")
    if os.path.exists(probe):
        by = {}
        with open(probe, encoding="utf-8") as f:
            next(f)
            for line in f:
                rtt, target, connect, app, first = line.rstrip("\n").split("\t")
                by.setdefault((int(rtt), target), []).append((float(connect), float(app), float(first)))
        out.append(
            "The proxy's model, checked with curl: the time each event takes beyond its time at RTT 0"
            " (median of 3 fresh connections per RTT), in round trips:"
        )
        out.append("")
        out.append("| RTT | storage: TLS handshake done | storage: first response byte | token endpoint: first response byte |")
        out.append("|---:|---:|---:|---:|")

        def med(rtt, target, i):
            return statistics.median(t[i] for t in by[(rtt, target)])

        if (0, "storage") in by:
            for rtt in rtts:
                if rtt == 0 or (rtt, "storage") not in by:
                    continue

                def extra(target, i):
                    return (med(rtt, target, i) - med(0, target, i)) / (rtt / 1e3)

                out.append(
                    f"| {rtt} ms | {extra('storage', 1):.2f} (expected 2: TCP + TLS 1.3)"
                    f" | {extra('storage', 2):.2f} (expected 3) | {extra('token', 2):.2f} (expected 2: TCP + GET) |"
                )
        out.append("")

    summary = "\n".join(out) + "\n"
    with open(os.path.join(results, f"{name}.md"), "w", encoding="utf-8") as f:
        f.write(summary)
    print(summary)
    draw(rtts, fits, chart, scenario)


def draw(rtts, fits, chart: str, scenario) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(10, 4.6), dpi=90)
    top = max(rtts)
    for command, short, colour, medians, slope, intercept, _, _, _, _ in fits:
        ax.plot(rtts, [m * 1e3 for m in medians], "o", color=colour, markersize=5)
        ax.plot([0, top], [intercept * 1e3, (intercept + slope * top / 1e3) * 1e3], "-", color=colour,
                linewidth=1.6, label=f"{short}: {slope:.2f} round trips")
    s = fits[0] if fits else None
    if s:
        base = s[5] * 1e3
        for (kind, k, _, _), style in zip(scenario["floors"], ("--", ":")):
            ax.plot([0, top], [base, base + k * top], style, color="#2f2f2f", linewidth=1,
                    label=f"{kind} floor: {k} round trips\n(drawn from sasmint's intercept)")
    ax.set_xlabel(scenario["xlabel"], fontsize=8)
    ax.set_ylabel("median wall time (ms)", fontsize=8)
    ax.set_xticks(rtts)
    ax.tick_params(labelsize=8)
    ax.set_xlim(-2, top * 1.04)
    ax.set_ylim(0, None)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    ax.set_title(scenario["title"], fontsize=9)
    fig.tight_layout()
    fig.savefig(chart, dpi=90)


if __name__ == "__main__":
    main()
