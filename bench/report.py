"""Summary of a bench/run.sh run: a markdown table (medians, ratios, targets) and a log-scale chart.

    python report.py RESULTS_DIR CHART_PNG
    python report.py --merge RESULTS_DIR NAME ROUNDS

--merge joins RESULTS_DIR/NAME.round{1..ROUNDS}.json (one hyperfine run each, contenders in
alternating order) into RESULTS_DIR/NAME.json: every contender's timings from all rounds, with
median, mean, σ, min and max recomputed over them.

Reads RESULTS_DIR/{network,offline,batch}.json (hyperfine --export-json) and machine.txt; writes
RESULTS_DIR/summary.md and CHART_PNG, and prints the summary.
"""

import json
import os
import sys

SCENARIOS = [
    ("network", "1. one token, key from the service (managed identity)"),
    ("offline", "2. one token, offline signing"),
    ("batch", "3. batch: many tokens from one key"),
]


def fmt(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.3f} s"
    if seconds >= 0.01:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e3:.2f} ms"


def load(results: str, name: str):
    path = os.path.join(results, f"{name}.json")
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        return json.load(f)["results"]


def merge(results: str, name: str, rounds: int) -> None:
    import statistics

    merged = {}
    for r in range(1, rounds + 1):
        with open(os.path.join(results, f"{name}.round{r}.json"), encoding="utf-8") as f:
            for row in json.load(f)["results"]:
                merged.setdefault(row["command"], []).extend(row["times"])
    rows = []
    for command, times in merged.items():
        rows.append(
            {
                "command": command,
                "times": times,
                "median": statistics.median(times),
                "mean": statistics.fmean(times),
                "stddev": statistics.stdev(times) if len(times) > 1 else None,
                "min": min(times),
                "max": max(times),
                "rounds": rounds,
            }
        )
    with open(os.path.join(results, f"{name}.json"), "w", encoding="utf-8") as f:
        json.dump({"results": rows}, f, indent=1)


def find(rows, prefix):
    for r in rows or []:
        if r["command"].startswith(prefix):
            return r
    return None


def main() -> None:
    if sys.argv[1] == "--merge":
        merge(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return
    results, chart = sys.argv[1], sys.argv[2]
    machine = {}
    with open(os.path.join(results, "machine.txt"), encoding="utf-8") as f:
        for line in f:
            k, _, v = line.rstrip("\n").partition("=")
            machine[k] = v

    data = {name: load(results, name) for name, _ in SCENARIOS}
    out = []
    out.append(
        f"Machine: {machine.get('cpu', '?')}, {machine.get('cores', '?')} cores, {machine.get('kernel', '?')}"
        f" ({machine.get('os', '?')})."
    )
    out.append(
        f"Tools: {machine.get('hyperfine', '?')}; {machine.get('sasmint', '?')}; {machine.get('python', '?')}"
        + (f"; {machine['az']}" if "az" in machine else "")
        + f"; {machine.get('curl', '?').split(' (')[0]}; Azurite {machine.get('azurite', '?')}."
    )
    if machine.get("quick") == "1":
        out.append("**Quick run (--quick): too few runs for publishing.**")
    out.append("")
    out.append("| scenario | command | median | mean ± σ | min … max | runs | median / sasmint |")
    out.append("|---|---|---:|---:|---:|---:|---:|")
    for name, title in SCENARIOS:
        rows = data[name]
        if rows is None:
            out.append(f"| {title} | *skipped (see the run log)* | | | | | |")
            continue
        base = find(rows, "sasmint")
        for r in rows:
            ratio = r["median"] / base["median"] if base else float("nan")
            out.append(
                f"| {title} | {r['command']} | **{fmt(r['median'])}** | {fmt(r['mean'])} ± {fmt(r['stddev'] or 0)}"
                f" | {fmt(r['min'])} … {fmt(r['max'])} | {len(r['times'])} | {ratio:.1f}× |"
            )
            title = ""
    out.append("")

    def verdict(ok):
        return "**met**" if ok else "**not met**"

    targets = []
    net = data["network"]
    if net:
        s, p, c = find(net, "sasmint"), find(net, "Python"), find(net, "curl")
        speedup = p["median"] / s["median"]
        vs_floor = s["median"] / c["median"]
        targets.append(
            f"| (1) ≥ 12× faster than the Python SDK flow | {speedup:.1f}× | {verdict(speedup >= 12)} |"
        )
        targets.append(
            f"| (1) within 1.1× of the curl floor | {vs_floor:.2f}× the floor | {verdict(vs_floor <= 1.1)} |"
        )
    off = data["offline"]
    az = find(off, "az storage") if off else None
    if az:
        s = find(off, "sasmint")
        speedup = az["median"] / s["median"]
        targets.append(f"| (2) ≥ 300× faster than az | {speedup:.0f}× | {verdict(speedup >= 300)} |")
    else:
        targets.append("| (2) ≥ 300× faster than az | not measured (--skip-az) | — |")
    b = data["batch"]
    if b:
        s = find(b, "sasmint")
        targets.append(
            f"| (3) {machine.get('batch', '?')} tokens in under 100 ms | {fmt(s['median'])} | {verdict(s['median'] < 0.1)} |"
        )
    else:
        targets.append("| (3) 10,000 tokens in under 100 ms | not measured (no `mint --from-file`) | — |")
    out.append("| target | measured (medians) | |")
    out.append("|---|---|---|")
    out.extend(targets)
    summary = "\n".join(out) + "\n"
    with open(os.path.join(results, "summary.md"), "w", encoding="utf-8") as f:
        f.write(summary)
    print(summary)
    draw(data, chart)


def draw(data, chart: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    labels, values, colors = [], [], []
    palette = {"network": "#4c72b0", "offline": "#55a868", "batch": "#c44e52"}
    short = {"network": "1 network", "offline": "2 offline", "batch": "3 batch"}
    for name, _ in SCENARIOS:
        for r in data[name] or []:
            labels.append(f"{short[name]}: {r['command']}")
            values.append(r["median"])
            colors.append(palette[name] if r["command"].startswith("sasmint") else "#b0b0b0")
    if not values:
        return
    fig, ax = plt.subplots(figsize=(8, 0.42 * len(values) + 0.9), dpi=90)
    y = list(range(len(values)))[::-1]
    ax.barh(y, values, color=colors)
    ax.set_yticks(y, labels, fontsize=8)
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: fmt(v).replace(".00 ", " ").replace(".0 ", " ").replace(".000 ", " ")))
    ax.set_xlim(min(values) / 2, max(values) * 6)
    for yi, v in zip(y, values):
        ax.text(v * 1.08, yi, fmt(v), va="center", fontsize=8)
    ax.set_xlabel("median wall time per invocation (log scale)", fontsize=8)
    ax.tick_params(axis="x", labelsize=8)
    ax.set_title("sasmint vs Python SDK, az and curl (colour = sasmint)", fontsize=9)
    ax.grid(axis="x", which="major", alpha=0.3)
    fig.tight_layout()
    fig.savefig(chart, dpi=90)


if __name__ == "__main__":
    main()
