#!/usr/bin/env bash
# Checks the documentation, offline (no link is fetched):
#   - every relative link and image in README.md and docs/*.md names a file or folder that exists
#     in the repository, and every anchor (`page.md#heading`, `#heading`) names a heading of that
#     page, as GitHub spells the anchor (lower case, punctuation dropped, spaces as `-`, `-1`, `-2`
#     for repeated headings);
#   - every page of docs/ is listed in the index, docs/README.md;
#   - README.md, what one reads first, is at most 350 lines.
# Links with a scheme (https:, mailto:) are not checked. Headings and links inside code blocks
# are ignored, and so are links inside `code`.
#
#   scripts/check-docs.sh        # from anywhere; exit 0 when all is well, 1 with a list otherwise
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C
root=$(pwd -P)
max_readme_lines=350
failures=0

fail() {
  printf 'check-docs: %s\n' "$1" >&2
  failures=$((failures + 1))
}

# The anchors of a Markdown file's headings (ATX `#` headings outside code blocks), one a line.
anchors() {
  awk '
    /^ ? ? ?(```|~~~)/ { fence = !fence; next }
    fence { next }
    /^ ? ? ?#+([ \t]|$)/ {
      text = $0
      sub(/^[ ]*#+[ \t]*/, "", text)
      sub(/[ \t]+#+[ \t]*$/, "", text)
      sub(/[ \t]+$/, "", text)
      slug = tolower(text)
      gsub(/[^a-z0-9 _-]/, "", slug)
      gsub(/ /, "-", slug)
      if (slug in seen) { seen[slug]++; slug = slug "-" seen[slug] } else { seen[slug] = 0 }
      print slug
    }
  ' "$1"
}

# The link targets of a Markdown file as "LINE<TAB>TARGET": inline links and images
# `[text](target "title")` and reference definitions `[name]: target`.
links() {
  awk '
    /^ ? ? ?(```|~~~)/ { fence = !fence; next }
    fence { next }
    {
      line = $0
      if (match(line, /^ ? ? ?\[[^]]+\]:[ \t]*[^ \t]+/)) {
        def = substr(line, RSTART, RLENGTH)
        sub(/^[ ]*\[[^]]+\]:[ \t]*/, "", def)
        print NR "\t" def
        next
      }
      gsub(/`[^`]*`/, "", line)
      while (match(line, /\]\([^)]*\)/)) {
        target = substr(line, RSTART + 2, RLENGTH - 3)
        line = substr(line, RSTART + RLENGTH)
        sub(/^[ \t]*</, "", target)
        sub(/>?([ \t]+".*")?[ \t]*$/, "", target)
        print NR "\t" target
      }
    }
  ' "$1"
}

pages=(README.md docs/*.md)
for page in "${pages[@]}"; do
  [ -f "$page" ] || { fail "$page is missing"; continue; }
  dir=$(dirname "$page")
  while IFS=$'\t' read -r line target; do
    where="$page:$line: $target"
    case "$target" in
      '') fail "$where: empty link"; continue ;;
      [a-zA-Z]*:*) case "${target%%:*}" in *[!a-zA-Z0-9+.-]*) ;; *) continue ;; esac ;;
    esac
    path=${target%%#*}
    anchor=
    [ "$path" != "$target" ] && anchor=${target#*#}
    if [ -z "$path" ]; then
      file=$page
    else
      file=$dir/$path
      if [ ! -e "$file" ]; then
        fail "$where: no such file"
        continue
      fi
      resolved=$(realpath -m "$file")
      case "$resolved/" in
        "$root"/*) ;;
        *) fail "$where: points outside the repository"; continue ;;
      esac
    fi
    if [ -n "$anchor" ]; then
      case "$file" in
        *.md) ;;
        *) fail "$where: an anchor into a file that is not Markdown"; continue ;;
      esac
      if ! anchors "$file" | grep -qxF -- "$anchor"; then
        fail "$where: no heading with the anchor #$anchor in $file"
      fi
    fi
  done < <(links "$page")
done

# The index lists every page.
for page in docs/*.md; do
  name=${page#docs/}
  [ "$name" = README.md ] && continue
  links docs/README.md | cut -f2 | sed 's/#.*//' | grep -qxF -- "$name" \
    || fail "docs/README.md does not link to $name"
done

lines=$(wc -l < README.md)
if [ "$lines" -gt "$max_readme_lines" ]; then
  fail "README.md has $lines lines, more than $max_readme_lines: move the detail into docs/"
fi

if [ "$failures" -gt 0 ]; then
  printf 'check-docs: %d problem(s)\n' "$failures" >&2
  exit 1
fi
printf 'check-docs: README.md (%d lines) and %d pages in docs/: every link and anchor resolves\n' \
  "$lines" "$((${#pages[@]} - 1))"
