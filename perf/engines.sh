# Sourced by the perf/compare_duckdb*.sh scripts: sets $root and $weir (a
# Release weir binary: $WEIR_BIN, or built into build/release, as
# scripts/demo does; the build needs the packages scripts/setup installs) and
# installs the pinned @duckdb/node-api into perf/node_modules when missing.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
duckdb_version=1.5.6-r.1

if [[ -n ${WEIR_BIN:-} ]]; then
  weir=$(cd "$(dirname "$WEIR_BIN")" && pwd)/$(basename "$WEIR_BIN")
  [[ -x $weir ]] || { echo "perf: WEIR_BIN=$WEIR_BIN is not executable" >&2; exit 2; }
else
  echo "== Building weir (Release) in build/release" >&2
  cmake -S "$root" -B "$root/build/release" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$root/build/release" --target weir -j "$(nproc)" >&2
  weir=$root/build/release/cli/weir
fi

installed=$(node -e 'try { console.log(require(process.argv[1]).version) } catch { console.log("") }' \
  "$root/perf/node_modules/@duckdb/node-api/package.json")
if [[ $installed != "$duckdb_version" ]]; then
  echo "== Installing @duckdb/node-api@$duckdb_version into perf/node_modules" >&2
  npm install --prefix "$root/perf" --no-save --no-audit --no-fund "@duckdb/node-api@$duckdb_version" >&2
fi
