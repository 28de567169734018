#!/usr/bin/env bash
# Runs livemig's JMH suite (io.livemig.bench.jmh) and writes JSON results to
# bench/results/jmh-<date>.json. Builds the project first when a source is newer than the jar.
#
#   bench/run-jmh.sh                          # the whole suite, short settings (about 6 minutes)
#   bench/run-jmh.sh TrackedWrite             # benchmarks whose name matches a regexp
#   bench/run-jmh.sh Sync -p dirtyPct=10      # any JMH option passes through
#   bench/run-jmh.sh Pause -f 1 -i 10         # an option given here replaces its default
#   JMH_DEFAULTS="-f 3 -wi 5 -i 10" bench/run-jmh.sh   # replace the default settings
#
# Defaults (JMH_DEFAULTS, option-value pairs): 2 forks, 3 warm-up and 5 measured iterations of 1 s each: short, because
# the development machines have 2 shared cores. Forked JVMs get the flags Chronicle Bytes needs from
# each benchmark's @Fork(jvmArgsAppend); to add flags use -jvmArgsPrepend (-jvmArgsAppend on the
# command line replaces the annotation's list).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$ROOT/bench/target/livemig.jar"
FLAGS_FILE="$ROOT/bench/target/classes/livemig-jvm.flags"
JMH_DEFAULTS="${JMH_DEFAULTS--f 2 -wi 3 -w 1s -i 5 -r 1s}"

needs_build() {
  [[ ! -f "$JAR" || ! -f "$FLAGS_FILE" ]] && return 0
  [[ -n "$(find "$ROOT" -path "$ROOT/.git" -prune -o \( -name pom.xml -o -path '*/src/main/*' \) -newer "$JAR" -type f -print -quit)" ]]
}

if needs_build; then
  echo "run-jmh: building the project..." >&2
  (cd "$ROOT" && mvn -B -q -DskipTests package) >&2 || { echo "run-jmh: the build failed; run 'mvn -B -DskipTests package' to see why" >&2; exit 2; }
fi

read -r -a JVM_FLAGS < "$FLAGS_FILE"
# The benchmarks' @Fork lists the same flags as compile-time constants; catch drift.
for flag in "${JVM_FLAGS[@]}"; do
  if ! grep -q -F -- "\"$flag\"" "$ROOT/bench/src/main/java/io/livemig/bench/jmh/JvmFlags.java"; then
    echo "run-jmh: JvmFlags.java lacks '$flag' from livemig.jvm.flags; add it there and to every @Fork" >&2
    exit 2
  fi
done

mkdir -p "$ROOT/bench/results"
OUT="$ROOT/bench/results/jmh-$(date +%Y%m%d-%H%M%S).json"
# No filter given: run the livemig suite only (the jar also lists nothing else, but be explicit).
if [[ $# -eq 0 || "$1" == -* ]]; then set -- 'io\.livemig\.bench\.jmh\..*' "$@"; fi
echo "run-jmh: results -> $OUT" >&2
# JMH refuses an option given twice: keep only the defaults (option + value pairs) not given in "$@".
read -r -a DEFAULTS <<< "$JMH_DEFAULTS"
KEPT=()
for ((i = 0; i < ${#DEFAULTS[@]}; i += 2)); do
  given=0
  for arg in "$@"; do [[ "$arg" == "${DEFAULTS[i]}" ]] && given=1; done
  (( given )) || KEPT+=("${DEFAULTS[i]}" "${DEFAULTS[i + 1]}")
done
exec java "${JVM_FLAGS[@]}" -cp "$JAR:$ROOT/bench/target/lib/*" org.openjdk.jmh.Main \
  "${KEPT[@]}" -rf json -rff "$OUT" "$@"
