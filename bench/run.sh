#!/usr/bin/env bash
# Waymark speed benchmark: one command from a clean clone.
#
#   bench/run.sh                 # Waymark only
#   bench/run.sh --with-hugo     # also Hugo on the same corpus (installs it with apt-get if missing)
#   bench/run.sh --runs 3 --keep /tmp/wm-bench
#   bench/run.sh --own ../other-checkout   # time another site as "own site"
#   bench/run.sh --only 10k              # only the cases whose name contains 10k
#   bench/run.sh --tmp /tmp              # corpora and output on disk instead of tmpfs
#
# Builds `waymark` in release mode, generates the corpora with
# bench/gen_corpus.py into a temporary folder, builds each one --runs times
# (default 5) after one untimed warm-up run, and prints the median wall time,
# CPU time (user + sys) and peak memory (max RSS, from /usr/bin/time -v).
# Every timed build starts from an empty output folder, for Waymark and Hugo
# alike. Hugo (when installed) builds the same corpus right after Waymark, so
# both see about the same machine load, and the table shows the ratio of
# their median wall times.
#
# The corpora and their output go to a folder under /dev/shm (tmpfs) when
# it is writable, else under $TMPDIR: on this project's machines the disk is
# ext4 without a journal, where creating files soon after many were deleted
# costs seconds of kernel time for any generator (see docs/performance.md).
#
# Cases: 1,000 and 10,000 pages in sections of 25 (40 and 400 sections), with
# and without the section sidebar, and 10,000 pages as 40 sections of 250
# (the layout of the reference Hugo/Zola figures); and 1,000 and 10,000 pages
# with the repository's default theme and search on (`*-search`), after which
# it prints the search index size and the bytes queries load (from
# `build --verbose`, and from the real client under Node when node is there). Then the repository's own
# site, when site.yaml and content/ are present, and the serve loop's
# incremental latency when examples/serve_latency.rs exists.
set -euo pipefail

RUNS=5
WITH_HUGO=0
KEEP=""
ONLY=""
OWN=""
TMP_PARENT=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --with-hugo) WITH_HUGO=1 ;;
    --runs) RUNS="$2"; shift ;;
    --keep) KEEP="$2"; shift ;;
    --only) ONLY="$2"; shift ;;
    --own) OWN="$(cd "$2" && pwd)"; shift ;;
    --tmp) TMP_PARENT="$2"; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OWN="${OWN:-$ROOT}"

say() { printf '%s\n' "$*" >&2; }

apt_install() {
  # Installs Debian packages when we are allowed to (root with apt-get).
  if command -v apt-get >/dev/null && [[ $(id -u) -eq 0 ]]; then
    say "installing $* with apt-get..."
    { apt-get install -y "$@" || { apt-get update && apt-get install -y "$@"; }; } >/dev/null 2>&1 || return 1
  else
    return 1
  fi
}

if [[ ! -x /usr/bin/time ]]; then
  apt_install time || { say "error: /usr/bin/time is missing; install GNU time (apt-get install time)"; exit 1; }
fi
if [[ $WITH_HUGO -eq 1 ]] && ! command -v hugo >/dev/null; then
  apt_install hugo || say "note: could not install hugo; running without it"
fi
HUGO=""
if command -v hugo >/dev/null; then HUGO="$(command -v hugo)"; fi

say "building waymark (cargo build --release)..."
cargo build --release --quiet
TARGET_DIR="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
WAYMARK="$TARGET_DIR/release/waymark"

if [[ -n "$KEEP" ]]; then
  WORK="$KEEP"; mkdir -p "$WORK"
else
  if [[ -z "$TMP_PARENT" ]]; then
    if [[ -d /dev/shm && -w /dev/shm ]]; then TMP_PARENT=/dev/shm; else TMP_PARENT="${TMPDIR:-/tmp}"; fi
  fi
  WORK="$(mktemp -d "$TMP_PARENT/waymark-bench.XXXXXX")"
  trap 'rm -rf "$WORK"' EXIT
fi

# --- measuring ---------------------------------------------------------------

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# measure OUT_DIR CMD...: runs CMD (which writes OUT_DIR) RUNS times after a
# warm-up; sets M_WALL, M_CPU (seconds) and M_RSS (MiB), all medians.
measure() {
  local out="$1"; shift
  local log="$WORK/time.log" walls=() cpus=() rsss=()
  rm -rf "$out"
  "$@" >/dev/null 2>"$WORK/err.log" || { say "error: $* failed:"; cat "$WORK/err.log" >&2; exit 1; }
  for ((r = 0; r < RUNS; r++)); do
    rm -rf "$out"
    sync
    local t0=$EPOCHREALTIME
    /usr/bin/time -v -o "$log" "$@" >/dev/null 2>"$WORK/err.log" || { say "error: $* failed:"; cat "$WORK/err.log" >&2; exit 1; }
    local t1=$EPOCHREALTIME
    walls+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')")
    cpus+=("$(awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { printf "%.3f", u + s }' "$log")")
    rsss+=("$(awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$log")")
  done
  M_WALL=$(printf '%s\n' "${walls[@]}" | median)
  M_CPU=$(printf '%s\n' "${cpus[@]}" | median)
  M_RSS=$(printf '%s\n' "${rsss[@]}" | median)
  M_ALL_WALL="${walls[*]}"
}

ms() { awk -v s="$1" 'BEGIN { printf "%.0f ms", s * 1000 }'; }

# search_report NAME SITE: the index size and what queries load, kept for
# the end of the report: `build --verbose`'s estimate, and the real client
# under Node (tests/search/query.cjs loads the files a browser would).
SEARCH_REPORT=""
search_report() {
  local name="$1" site="$2" out="$WORK/search-out"
  rm -rf "$out"
  SEARCH_REPORT+="$name:"$'\n'
  SEARCH_REPORT+="$("$WAYMARK" build --verbose --root "$site" --output "$out" | grep -E '^  search' || true)"$'\n'
  if command -v node >/dev/null; then
    SEARCH_REPORT+="$(node "$ROOT/tests/search/query.cjs" "$out" strategy "pricing review" "cloud migration roadmaps" stratgy onboa |
      python3 -c 'import json,sys
for q in json.load(sys.stdin)["out"]:
    print("  client: %-28s %6.0f KB in %2d files, %4d results, %5.1f ms" % (repr(q["query"]), q["bytes"] / 1024, q["files"], q["total"], q["ms"]))')"$'\n'
  fi
  rm -rf "$out"
}

# --- corpora -------------------------------------------------------------------

# name:pages:per_section:sidebar(1/0)
CASES=(
  "1k-sidebar:1000:25:1"
  "1k-plain:1000:25:0"
  "10k-sidebar:10000:25:1"
  "10k-plain:10000:25:0"
  "10k-40x250-sidebar:10000:250:1"
  "1k-search:1000:25:2"
  "10k-search:10000:25:2"
)

START_LOAD="$(cut -d' ' -f1 /proc/loadavg)"
say "machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), load average $(cut -d' ' -f1-3 /proc/loadavg)"
say "corpora in $WORK ($(df --output=fstype "$WORK" | tail -1)); $RUNS timed runs per build (median), after one warm-up"
say ""

declare -A WALL CPU RSS HWALL HCPU HRSS
printf '%-22s %7s %10s %10s %10s' "case" "pages" "wall" "cpu" "peak RSS"
[[ -n "$HUGO" ]] && printf ' | %10s %10s %10s %11s' "hugo wall" "hugo cpu" "hugo RSS" "wm/hugo"
printf '\n'
for c in "${CASES[@]}"; do
  IFS=: read -r name pages per sidebar <<<"$c"
  [[ -n "$ONLY" && "$name" != *"$ONLY"* ]] && continue
  site="$WORK/$name"
  flags=(--pages "$pages" --per-section "$per")
  [[ $sidebar -eq 0 ]] && flags+=(--no-sidebar)
  # sidebar 2: the default theme with search on.
  [[ $sidebar -eq 2 ]] && flags+=(--theme "$ROOT/themes/default")
  hugo_site=""
  if [[ -n "$HUGO" && $sidebar -ge 1 ]]; then hugo_site="$WORK/$name-hugo"; flags+=(--hugo "$hugo_site"); fi
  python3 bench/gen_corpus.py "$site" "${flags[@]}" 2>/dev/null
  measure "$site/public" "$WAYMARK" build --quiet --root "$site"
  WALL[$name]=$M_WALL; CPU[$name]=$M_CPU; RSS[$name]=$M_RSS
  built=$(find "$site/public" -name '*.html' | wc -l)
  printf '%-22s %7s %10s %10s %6s MiB' "$name" "$pages" "$(ms "$M_WALL")" "$(ms "$M_CPU")" "$M_RSS"
  if [[ -n "$hugo_site" ]]; then
    measure "$hugo_site/public" "$HUGO" --quiet --source "$hugo_site" --destination "$hugo_site/public"
    HWALL[$name]=$M_WALL
    printf ' | %10s %10s %6s MiB %10.3fx' "$(ms "$M_WALL")" "$(ms "$M_CPU")" "$M_RSS" \
      "$(awk -v h="$M_WALL" -v w="${WALL[$name]}" 'BEGIN { print w / h }')"
  fi
  printf '   (%s HTML files)\n' "$built"
  if [[ $sidebar -eq 2 ]]; then search_report "$name" "$site"; fi
  # Keep memory (tmpfs) and disk use to one case's output at a time.
  [[ -z "$KEEP" ]] && rm -rf "$site/public" ${hugo_site:+"$hugo_site/public"}
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1fx", b / a }'; }
if [[ -n "${WALL[1k-sidebar]:-}" && -n "${WALL[10k-sidebar]:-}" ]]; then
  say ""
  say "scaling, 10x the pages in sections of the same size (target: at most 11x):"
  say "  with sidebar:    $(ratio "${WALL[1k-sidebar]}" "${WALL[10k-sidebar]}") wall, $(ratio "${CPU[1k-sidebar]}" "${CPU[10k-sidebar]}") cpu"
  [[ -n "${WALL[1k-plain]:-}" && -n "${WALL[10k-plain]:-}" ]] &&
    say "  without sidebar: $(ratio "${WALL[1k-plain]}" "${WALL[10k-plain]}") wall, $(ratio "${CPU[1k-plain]}" "${CPU[10k-plain]}") cpu"
  [[ -n "${WALL[10k-plain]:-}" ]] &&
    say "  sidebar cost at 10k pages: $(ms "$(awk -v a="${WALL[10k-plain]}" -v b="${WALL[10k-sidebar]}" 'BEGIN { print b - a }')") wall"
fi

# The targets of the search cases (default theme, search on): wall time
# against Hugo's in the same run, and peak memory at 10,000 pages.
target_line() {
  local name="$1" most="$2"
  [[ -n "${WALL[$name]:-}" ]] || return 0
  local line="  $name: waymark $(ms "${WALL[$name]}") wall, $(ms "${CPU[$name]}") cpu, ${RSS[$name]} MiB peak RSS"
  if [[ -n "${HWALL[$name]:-}" ]]; then
    line+="; $(awk -v w="${WALL[$name]}" -v h="${HWALL[$name]}" -v t="$most" 'BEGIN {
      r = w / h; printf "%.3fx Hugo'"'"'s wall time (target: at most %.2fx) %s", r, t, (r <= t ? "met" : "NOT met") }')"
  else
    line+="; Hugo not run (--with-hugo) so no ratio"
  fi
  say "$line"
}
if [[ -n "${WALL[1k-search]:-}${WALL[10k-search]:-}" ]]; then
  say ""
  say "targets (default theme, search on):"
  target_line 1k-search 0.15
  target_line 10k-search 0.10
  [[ -n "${RSS[10k-search]:-}" ]] &&
    say "  10k-search peak RSS: ${RSS[10k-search]} MiB (target: under 250 MiB) $(awk -v r="${RSS[10k-search]}" 'BEGIN { print (r < 250 ? "met" : "NOT met") }')"
fi

if [[ -n "$SEARCH_REPORT" ]]; then
  say ""
  say "search index and bytes per query (first 8 results; the client's figures include the 3 KB stemmer):"
  printf '%s' "$SEARCH_REPORT" >&2
fi

# --- where the time goes ---------------------------------------------------------

stages_of=""
for c in 10k-sidebar 1k-sidebar; do [[ -d "$WORK/$c/content" ]] && { stages_of=$c; break; }; done
if [[ -n "$stages_of" ]]; then
  rm -rf "$WORK/$stages_of/public"
  say ""
  say "stages of one $stages_of build (waymark build --verbose; render includes writing each page):"
  "$WAYMARK" build --verbose --root "$WORK/$stages_of" | grep -E '^ ' >&2 || true
fi

# --- the repository's own site -------------------------------------------------

say ""
if [[ -f "$OWN/site.yaml" && -d "$OWN/content" ]] &&
  ! "$WAYMARK" build --quiet --root "$OWN" --output "$WORK/own-site" >/dev/null 2>"$WORK/own.log"; then
  say "own site ($OWN): the build fails, so it is not timed:"
  head -20 "$WORK/own.log" >&2
elif [[ -f "$OWN/site.yaml" && -d "$OWN/content" ]]; then
  measure "$WORK/own-site" "$WAYMARK" build --quiet --root "$OWN" --output "$WORK/own-site"
  say "own site ($OWN): $(ms "$M_WALL") wall, $(ms "$M_CPU") cpu, $M_RSS MiB (target: under 100 ms)"
else
  say "own site: skipped (no site.yaml and content/ in $OWN)"
fi

# --- serve loop ----------------------------------------------------------------

if [[ -f "$ROOT/examples/serve_latency.rs" ]]; then
  # On the 1,000-page corpus with sidebars when it was generated (an edit
  # there changes its section's page list, so the whole section re-renders).
  latency_args=()
  [[ -d "$WORK/1k-sidebar/content" ]] && latency_args=(-- --site "$WORK/1k-sidebar")
  say "serve loop incremental latency (cargo run --release --example serve_latency ${latency_args[*]}):"
  if ! cargo run --release --quiet --example serve_latency "${latency_args[@]}" >&2; then
    say "  serve_latency failed; see its output above"
  fi
else
  say "serve latency: skipped (examples/serve_latency.rs is not in this checkout)"
fi

say ""
# The benchmark itself loads the machine (Hugo uses every core), so only the
# load found at the start says whether something else was running.
if awk -v l="$START_LOAD" -v n="$(nproc)" 'BEGIN { exit !(l > n / 2) }'; then
  say "note: the machine was busy before the benchmark started (load $START_LOAD on $(nproc) cores);"
  say "      wall times include waiting for a core, CPU times are steadier"
fi
