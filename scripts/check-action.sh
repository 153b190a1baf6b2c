#!/usr/bin/env bash
# Runs the GitHub Action (action.yml) locally, step by step as a Linux X64 runner would, against a
# local HTTP server that serves dist/ as a release download and against Azurite with the local
# managed-identity endpoint:
#
#   scripts/check-action.sh [--dist DIR]
#
# Needs dist/sasmint-VERSION-x86_64-unknown-linux-musl.tar.gz and its .sha256 (scripts/dist.sh
# x86_64-unknown-linux-musl). The runner is emulated in Python: each composite step's `env:` gets
# its `${{ inputs.* }}` / `${{ github.* }}` values, the step runs as `bash --noprofile --norc -e -o
# pipefail FILE` with RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP, GITHUB_OUTPUT, GITHUB_ENV, GITHUB_PATH
# and GITHUB_ACTION_PATH set; after it, GITHUB_OUTPUT becomes the step's outputs, GITHUB_PATH is
# prepended to PATH and GITHUB_ENV is added to the environment; `outputs:` maps them to the
# action's. Checked:
#   1. the action's outputs (sas_token, sas_url, expiry, permissions, account, container) are
#      those of a token that reads a blob in Azurite (curl);
#   2. masking: the token and the URL are announced with ::add-mask:: before anything else is
#      printed, and appear nowhere else in the log;
#   3. the tamper stop: an archive that does not match its .sha256 stops the install step (exit 1,
#      an ::error::), nothing is unpacked or put on the PATH, and sasmint never runs;
#   4. a missing .sha256 stops it too, and an args input with an unmatched quote is refused (exit 2).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
dist=dist
while [ $# -gt 0 ]; do
  case "$1" in
    --dist) dist=${2:?}; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "check-action.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)
name="sasmint-$version-x86_64-unknown-linux-musl.tar.gz"
if [ ! -f "$dist/$name" ] || [ ! -f "$dist/$name.sha256" ]; then
  echo "check-action.sh: $dist/$name(.sha256) missing: run scripts/dist.sh x86_64-unknown-linux-musl" >&2
  exit 1
fi

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# Releases as GitHub lays them out: {base}/v{version}/{file}. `good` as built; `tampered` with
# one byte of the archive changed and the original .sha256; `unsigned` without the .sha256.
for kind in good tampered unsigned; do
  mkdir -p "$work/srv/$kind/v$version"
  cp "$dist/$name" "$work/srv/$kind/v$version/"
  [ "$kind" = unsigned ] || cp "$dist/$name.sha256" "$work/srv/$kind/v$version/"
done
python3 - "$work/srv/tampered/v$version/$name" <<'PY'
import sys
p = sys.argv[1]
data = bytearray(open(p, "rb").read())
data[len(data) // 2] ^= 0x01
open(p, "wb").write(bytes(data))
PY
# The release server binds a free port itself and prints it once it listens: no port chosen
# here that another process could take first, and the wait below is for that line, not a time.
python3 -u - "$work/srv" >"$work/http.port" 2>"$work/http.log" <<'PY' &
import functools, http.server, sys
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
print(server.server_address[1], flush=True)
server.serve_forever()
PY
http_pid=$!
pids+=("$http_pid")
while kill -0 "$http_pid" 2>/dev/null && [ ! -s "$work/http.port" ]; do sleep 0.1; done
[ -s "$work/http.port" ] || { echo "check-action.sh: the release server did not start" >&2; cat "$work/http.log" >&2; exit 1; }
port=$(cat "$work/http.port")

export SASMINT_AZURITE=${SASMINT_AZURITE:-$ROOT/.azurite/node_modules/azurite/dist/src/blob/main.js}
[ -f "$SASMINT_AZURITE" ] || { echo "check-action.sh: Azurite is missing (set SASMINT_AZURITE)" >&2; exit 1; }
cargo build --locked --example local_azure >&2
# Azurite must listen within 15 s; on a loaded machine a start can miss that: five tries.
for attempt in 1 2 3 4 5; do
  "${CARGO_TARGET_DIR:-$ROOT/target}/debug/examples/local_azure" >"$work/azure.env" 2>"$work/azure.log" &
  pid=$!
  while kill -0 "$pid" 2>/dev/null && ! grep -q '^export DEMO_CONTAINER_URL=' "$work/azure.env"; do sleep 0.2; done
  if grep -q '^export DEMO_CONTAINER_URL=' "$work/azure.env"; then pids+=("$pid"); break; fi
  wait "$pid" 2>/dev/null || true
  echo "local_azure did not start (try $attempt)" >&2
done
grep -q '^export DEMO_CONTAINER_URL=' "$work/azure.env" || { cat "$work/azure.log" >&2; exit 1; }

python3 - "$ROOT/action.yml" "$work" "http://127.0.0.1:$port" "$version" <<'PY'
import os, re, subprocess, sys, urllib.request, ssl, shlex
import yaml

action_file, work, server, version = sys.argv[1:5]
action = yaml.safe_load(open(action_file))
azure = {}
for line in open(os.path.join(work, "azure.env")):
    m = re.match(r"export (\w+)=(.*)$", line.strip())
    if m:
        azure[m.group(1)] = shlex.split(m.group(2))[0] if m.group(2) else ""

def expr(text, ctx):
    """${{ a.b.c }} with a dotted lookup in ctx (what the action uses: inputs, github, steps)."""
    def one(m):
        node = ctx
        for part in m.group(1).strip().split("."):
            node = node.get(part, "") if isinstance(node, dict) else ""
        return "" if node is None else str(node)
    return re.sub(r"\$\{\{(.*?)\}\}", one, str(text))

def run_action(run_name, inputs_given):
    base = os.path.join(work, run_name)
    temp = os.path.join(base, "runner-temp")
    os.makedirs(temp)
    inputs = {k: str(v.get("default", "")) for k, v in action["inputs"].items()}
    inputs.update(inputs_given)
    # The job's environment: a clean one with the stand-ins' variables (no proxy for loopback).
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": base,
        "LANG": "C.UTF-8",
        "NO_PROXY": "127.0.0.1,localhost",
        "RUNNER_OS": "Linux",
        "RUNNER_ARCH": "X64",
        "RUNNER_TEMP": temp,
        "GITHUB_ACTION_PATH": os.path.dirname(action_file),
        "GITHUB_SERVER_URL": "https://github.com",
        "IDENTITY_ENDPOINT": azure["IDENTITY_ENDPOINT"],
        "IDENTITY_HEADER": azure["IDENTITY_HEADER"],
        "SSL_CERT_FILE": azure["SSL_CERT_FILE"],
    }
    paths = []
    ctx = {"inputs": inputs, "github": {"action_repository": "", "server_url": "https://github.com"}, "steps": {}}
    log = []
    failed = None
    for i, step in enumerate(action["runs"]["steps"]):
        assert step.get("shell") == "bash", "every step is bash"
        assert "uses" not in step, "no other actions"
        files = {}
        for var in ("GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_PATH"):
            files[var] = os.path.join(base, f"{var.lower()}-{i}")
            open(files[var], "w").close()
        script = os.path.join(base, f"step-{i}.sh")
        with open(script, "w") as f:
            f.write(step["run"])
        step_env = dict(env)
        step_env.update(files)
        step_env["PATH"] = os.pathsep.join(paths + [env["PATH"]])
        for k, v in (step.get("env") or {}).items():
            step_env[k] = expr(v, ctx)
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", script],
                              env=step_env, capture_output=True, text=True, timeout=120)
        log.append((step.get("id"), proc.returncode, proc.stdout, proc.stderr))
        outputs = {}
        text = open(files["GITHUB_OUTPUT"]).read()
        lines = text.split("\n")
        j = 0
        while j < len(lines):
            line = lines[j]
            if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
                key, delim = line.split("<<", 1)
                j += 1
                value = []
                while lines[j] != delim:
                    value.append(lines[j]); j += 1
                outputs[key] = "\n".join(value)
            elif "=" in line:
                key, value = line.split("=", 1)
                outputs[key] = value
            j += 1
        ctx["steps"][step.get("id", str(i))] = {"outputs": outputs}
        paths = [p for p in open(files["GITHUB_PATH"]).read().splitlines() if p] [::-1] + paths
        for line in open(files["GITHUB_ENV"]).read().splitlines():
            if "=" in line and "<<" not in line:
                k, v = line.split("=", 1); env[k] = v
        if proc.returncode != 0:
            failed = (step.get("id"), proc.returncode)
            break
    outs = {k: expr(v["value"], ctx) for k, v in action["outputs"].items()}
    return failed, outs, log, paths

def fail(msg, log=None):
    for entry in log or []:
        print(f"--- step {entry[0]}: exit {entry[1]}\n{entry[2]}{entry[3]}", file=sys.stderr)
    print(f"FAIL: {msg}", file=sys.stderr)
    sys.exit(1)

url = azure["DEMO_CONTAINER_URL"]
args = f"mint {url} --for ingest --expires-in 1h --auth managed-identity"

# 1. The good release: outputs, and the token works.
failed, outs, log, paths = run_action("good", {"args": args, "release-base-url": f"{server}/good"})
if failed:
    fail(f"step {failed[0]} exited {failed[1]}", log)
token = outs["sas_token"]
if "sig=" not in token or not outs["sas_url"].endswith("?" + token):
    fail("no token in the outputs", log)
if outs["account"] != "devstoreaccount1" or outs["container"] != "demo" or not outs["expiry"] or not outs["permissions"]:
    fail(f"outputs: { {k: v for k, v in outs.items() if k not in ('sas_token', 'sas_url')} }", log)
ctx = ssl.create_default_context(cafile=azure["SSL_CERT_FILE"])
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=ctx))
body = opener.open(f"{url}/hello.txt?{token}", timeout=10).read()
if body != b"hello from azurite\n":
    fail("the token does not read hello.txt")
print(f"ok: action outputs from the served release ({len(paths)} PATH entry, sasmint {version}): "
      f"account={outs['account']} container={outs['container']} permissions={outs['permissions']} expiry={outs['expiry']}; the token reads a blob")

# 2. Masking: announced first, never printed otherwise.
all_out = "".join(e[2] + e[3] for e in log)
run_out = next(e for e in log if e[0] == "run")[2]
def unescape(v):  # workflow command data: %25, %0D, %0A (the runner undoes them)
    return v.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")
masks = [unescape(l[len("::add-mask::"):]) for l in run_out.splitlines() if l.startswith("::add-mask::")]
if token not in masks or outs["sas_url"] not in masks:
    fail("the token or URL is not masked", log)
first = run_out.splitlines()[:len(masks)]
if not all(l.startswith("::add-mask::") for l in first):
    fail("something was printed before the masks", log)
rest = "\n".join(l for l in all_out.splitlines() if not l.startswith("::add-mask::"))
if token in rest or token.split("sig=")[1].split("&")[0] in rest:
    fail("the token appears in the log outside ::add-mask::", log)
print(f"ok: masking: {len(masks)} ::add-mask:: lines first (token, URL); the signature appears nowhere else in the log")

# 3. Tamper stop.
failed, outs, log, paths = run_action("tampered", {"args": args, "release-base-url": f"{server}/tampered"})
install = log[0]
if failed != ("install", 1) or len(log) != 1:
    fail(f"a tampered archive was not stopped at install: {failed}", log)
if "does not match its SHA-256" not in install[2] or paths:
    fail("no checksum error, or something was put on the PATH", log)
unpacked = [d for d, _, fs in os.walk(os.path.join(work, "tampered")) if "sasmint" in fs]
if unpacked or any(outs.values()):
    fail(f"something was unpacked or output: {unpacked}", log)
print("ok: tamper stop: a one-byte change fails the install step (exit 1, ::error:: checksum), nothing unpacked, sasmint never ran")

# 4. No checksum file; bad quoting.
failed, outs, log, paths = run_action("unsigned", {"args": args, "release-base-url": f"{server}/unsigned"})
if failed is None or failed[0] != "install" or paths or any(outs.values()):
    fail("an archive without .sha256 was run", log)
failed, outs, log, paths = run_action("quote", {"args": "mint 'unterminated", "release-base-url": f"{server}/good"})
if failed != ("run", 2):
    fail(f"an unmatched quote in args: {failed}", log)
print("ok: a release without its .sha256 is not run; args with an unmatched quote: exit 2")

# 5. Plain http is for loopback mirrors only: the same server named 127.1 (not the loopback
# spellings the action allows http for) is refused before anything is fetched.
plain = server.replace("http://127.0.0.1:", "http://127.1:")
failed, outs, log, paths = run_action("plain-http", {"args": args, "release-base-url": f"{plain}/good"})
if failed is None or failed[0] != "install" or paths or any(outs.values()):
    fail("a release over plain http off loopback was downloaded", log)
if "rotocol" not in str(log):
    fail("curl did not refuse the plain-http download by its protocol", log)
print("ok: a release-base-url over plain http (not loopback) is refused, nothing fetched")
PY
echo "check-action: passed"
