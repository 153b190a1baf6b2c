#!/usr/bin/env bash
# Emulates `cargo install --locked sasmint` from a registry, which builds the published .crate
# and never reads the package's own .cargo/ directory:
#
#   scripts/registry-install.sh [--target-dir DIR] DEST
#
# 1. `cargo package --locked --no-verify` (the install below is the build), failing on any
#    warning; the package's file list must hold no benchmarks, scripts, docs or CI files;
# 2. the .crate unpacked into a scratch directory, without any .cargo/ directory;
# 3. `cargo install --locked --path <unpacked crate> --root DEST` run from a directory outside
#    the repository, in a clean environment (only PATH, HOME, CARGO_HOME, RUSTUP_HOME), with its
#    own target directory (default target/registry-install, kept between runs).
# Prints the installed binary's path (DEST/bin/sasmint) on the last line.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
target_dir="$ROOT/target/registry-install"
dest=""
while [ $# -gt 0 ]; do
  case "$1" in
    --target-dir) target_dir=${2:?}; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "registry-install.sh: unknown option $1" >&2; exit 2 ;;
    *) dest=$1; shift ;;
  esac
done
[ -n "$dest" ] || { echo "usage: scripts/registry-install.sh [--target-dir DIR] DEST" >&2; exit 2; }
mkdir -p "$dest" "$target_dir"
dest=$(cd "$dest" && pwd)
target_dir=$(cd "$target_dir" && pwd)
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A dirty tree is allowed so that the script can be run before a commit; CI runs it on a clean one.
cargo package --locked --no-verify --allow-dirty --list >"$work/files" 2>"$work/list.log"
cargo package --locked --no-verify --allow-dirty 2>"$work/package.log" >&2
if grep -i '^warning' "$work/list.log" "$work/package.log"; then
  echo "registry-install.sh: cargo package warned (above)" >&2
  exit 1
fi
if grep -E '^(bench/|scripts/|docs/|\.github/|\.ci/|\.cargo/)' "$work/files"; then
  echo "registry-install.sh: the package holds files a user does not need (above)" >&2
  exit 1
fi
echo "== package: $(wc -l <"$work/files") files, $(du -k "target/package/sasmint-$version.crate" | cut -f1) KiB" >&2

mkdir -p "$work/unpacked" "$work/outside"
tar -xzf "target/package/sasmint-$version.crate" -C "$work/unpacked"
crate="$work/unpacked/sasmint-$version"
rm -rf "$crate/.cargo"
[ ! -e "$crate/.cargo" ]

cd "$work/outside"
env -i PATH="${CARGO_HOME:-$HOME/.cargo}/bin:/usr/local/bin:/usr/bin:/bin" HOME="$HOME" \
  CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}" \
  cargo install --locked --force --path "$crate" --root "$dest" --target-dir "$target_dir" >&2
echo "$dest/bin/sasmint"
