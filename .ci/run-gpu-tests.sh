#!/usr/bin/env bash
# Runs Gargoyle's GPU tests (JUnit tag `gpu`) and the AHE benchmark from this bundle, with the
# bundle's own Java runtime: no JDK, Maven or network needed. Finds the CUDA 13 runtime, cuBLAS 13,
# cuDNN 9 and NCCL 2 (LD_LIBRARY_PATH, /usr/local/cuda*, Python environments' nvidia/*/lib) and puts
# them on LD_LIBRARY_PATH (without NCCL, only its tests are skipped). Usage: run-gpu-tests.sh REPORT_DIR
# The gpu tests run twice: KernelsGpuTest alone in its own JVM first (so a test that works only after
# another class has loaded something shows), then every gpu test class in the order of its name (JUnit's
# default follows the file system's listing, which differs between machines).
# Writes REPORT_DIR/junit/*.xml and REPORT_DIR/tests.log (all classes), REPORT_DIR/junit-alone/*.xml and
# REPORT_DIR/tests-alone.log (KernelsGpuTest alone), REPORT_DIR/bench-ahe.json (when the bench
# command exists), REPORT_DIR/summary.txt. Exit: 0 all ran and passed; 1 a test or the benchmark
# failed; 3 no GPU test ran (no GPU, or the CUDA libraries are missing: see the summary).
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[ $# -eq 1 ] || { echo "usage: run-gpu-tests.sh REPORT_DIR" >&2; exit 2; }
mkdir -p "$1" || exit 2
REPORT="$(cd "$1" && pwd)"
JAVA="$HERE/jre/bin/java"
CLASSPATH="$HERE/test-classes:$HERE/lib/*:$(ls "$HERE"/junit-platform-console-standalone-*.jar)"
JVM_OPTS=(-Xmx8g -Xss4m "-Dorg.bytedeco.javacpp.cachedir=${TMPDIR:-/tmp}/gargoyle-javacpp-cache")
SUMMARY="$REPORT/summary.txt"
: >"$SUMMARY"
say() { echo "$*" | tee -a "$SUMMARY"; }

# --- where the CUDA libraries may be -------------------------------------------------------------
site_dirs() {
  local py
  for py in python3 python /opt/*/.venv/bin/python3 /opt/*/bin/python3 /opt/conda/bin/python3 \
            "${CONDA_PREFIX:-/nonexistent}/bin/python3" "${VIRTUAL_ENV:-/nonexistent}/bin/python3"; do
    if command -v "$py" >/dev/null 2>&1; then
      "$py" -c 'import site; print("\n".join(site.getsitepackages() + [site.getusersitepackages()]))' 2>/dev/null
    fi
  done
  ls -d /usr/lib/python3*/site-packages /usr/lib/python3*/dist-packages /usr/lib/python3/dist-packages \
        /usr/local/lib/python3*/site-packages /usr/local/lib/python3*/dist-packages \
        "$HOME"/.local/lib/python3*/site-packages /opt/*/lib/python3*/site-packages \
        /opt/*/.venv/lib/python3*/site-packages /opt/conda/envs/*/lib/python3*/site-packages \
        "$HOME"/miniconda3/lib/python3*/site-packages "$HOME"/anaconda3/lib/python3*/site-packages \
        "$HOME"/miniconda3/envs/*/lib/python3*/site-packages "$HOME"/anaconda3/envs/*/lib/python3*/site-packages \
        2>/dev/null
}

candidate_dirs() {
  local d
  tr ':' '\n' <<<"${LD_LIBRARY_PATH:-}"
  ls -d /usr/local/cuda/lib64 /usr/local/cuda-*/lib64 /usr/local/cuda*/targets/x86_64-linux/lib 2>/dev/null
  for d in $(site_dirs | sort -u); do
    ls -d "$d"/nvidia/*/lib 2>/dev/null
  done
  ls -d /usr/local/nvidia/lib64 /usr/local/nvidia/lib /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/lib/wsl/lib 2>/dev/null
}

say "== Gargoyle GPU tests, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(hostname 2>/dev/null || echo unknown host)"
[ -f "$HERE/BUNDLE.txt" ] && head -n 2 "$HERE/BUNDLE.txt" | sed 's/^/   /' | tee -a "$SUMMARY"
if command -v nvidia-smi >/dev/null 2>&1; then
  say "GPU: $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | head -n 1)"
else
  say "GPU: nvidia-smi not found"
fi

DIRS=()
MISSING=()
add_dir() {
  local d
  for d in "${DIRS[@]+"${DIRS[@]}"}"; do [ "$d" = "$1" ] && return; done
  DIRS+=("$1")
}
ALL_CANDIDATES="$(candidate_dirs | awk 'NF && !seen[$0]++')"
for lib in libcuda.so.1 libcudart.so.13 libcublas.so.13 libcublasLt.so.13 libcudnn.so.9 libnccl.so.2; do
  found=""
  while IFS= read -r d; do
    if [ -e "$d/$lib" ]; then found="$d"; break; fi
  done <<<"$ALL_CANDIDATES"
  if [ -z "$found" ] && [ "$lib" = libcuda.so.1 ] && command -v ldconfig >/dev/null 2>&1; then
    found="$(ldconfig -p 2>/dev/null | awk -v l="$lib" '$1 == l { sub(/\/[^\/]*$/, "", $NF); print $NF; exit }')"
  fi
  if [ -n "$found" ]; then
    say "found   $lib in $found"
    add_dir "$found"
  else
    only=""
    [ "$lib" = libnccl.so.2 ] && only="; only the NCCL tests need it, they will be skipped"
    say "MISSING $lib (searched LD_LIBRARY_PATH, /usr/local/cuda*, Python site-packages/nvidia/*/lib, system dirs)$only"
    MISSING+=("$lib")
  fi
done
# cuDNN 9 loads its engine libraries (and nvrtc, cublasLt) by name: keep every nvidia/*/lib beside it.
while IFS= read -r d; do
  case "$d" in */nvidia/*/lib) add_dir "$d" ;; esac
done <<<"$ALL_CANDIDATES"
NEW_PATH="$(IFS=:; echo "${DIRS[*]+"${DIRS[*]}"}")"
export LD_LIBRARY_PATH="${NEW_PATH}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
say "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"

# --- the gpu-tagged tests -------------------------------------------------------------------------
# Runs the JUnit launcher with the selection in "$@"; reports in $REPORT/$1, its output in $REPORT/$2.
junit() {
  local reports="$1" log="$2"
  shift 2
  "$JAVA" "${JVM_OPTS[@]}" -cp "$CLASSPATH" org.junit.platform.console.ConsoleLauncher execute \
    --disable-banner --disable-ansi-colors --details=tree \
    --config=junit.jupiter.testclass.order.default='org.junit.jupiter.api.ClassOrderer$ClassName' \
    "$@" --include-tag gpu --reports-dir "$REPORT/$reports" >"$REPORT/$log" 2>&1
}

# One legacy XML report per engine (Jupiter, Vintage, Suite) in $REPORT/$1: add their counts up.
count() {
  cat "$REPORT/$1"/TEST-*.xml 2>/dev/null | grep -o "<testsuite [^>]*" | grep -o " $2=\"[0-9]*\"" \
    | tr -dc '0-9\n' | awk '{ n += $1 } END { print n + 0 }'
}

say "== JUnit, tag gpu, KernelsGpuTest alone"
junit junit-alone tests-alone.log --select-class dev.gargoyle.cuda.KernelsGpuTest
ALONE_RC=$?
cat "$REPORT/tests-alone.log"
ALONE_FAILED=$(($(count junit-alone failures) + $(count junit-alone errors)))
ALONE_RAN=$(($(count junit-alone tests) - $(count junit-alone skipped)))
say "KernelsGpuTest alone: $ALONE_RAN ran, $ALONE_FAILED failed (launcher exit $ALONE_RC)"

say "== JUnit, tag gpu, every class in name order"
junit junit tests.log --scan-classpath "$HERE/test-classes"
TESTS_RC=$?
cat "$REPORT/tests.log"

TOTAL="$(count junit tests)"; FAILED="$(count junit failures)"; ERRORS="$(count junit errors)"; SKIPPED="$(count junit skipped)"
RAN=$((TOTAL - SKIPPED))
NO_REPORT=0
for dir in junit junit-alone; do
  if [ ! -f "$REPORT/$dir/TEST-junit-jupiter.xml" ]; then
    say "the JUnit launcher wrote no report in $REPORT/$dir: see the log beside it"
    NO_REPORT=1
  fi
done
say "gpu tests: $TOTAL found, $RAN ran, $((FAILED + ERRORS)) failed, $SKIPPED skipped or disabled (launcher exit $TESTS_RC)"
if [ "$TOTAL" -gt 0 ] && [ "$RAN" -eq 0 ]; then
  REASON="$(cat "$REPORT"/junit/TEST-*.xml 2>/dev/null | grep -o '<skipped><!\[CDATA\[[^]]*' | head -n 1 | sed 's/.*CDATA\[//')"
  say "NO GPU TEST RAN: ${REASON:-see $REPORT/tests.log}"
fi

# --- the benchmark ------------------------------------------------------------------------------------
say "== bench --device cuda --shapes ahe"
BENCH_RC=0
if [ "$TOTAL" -gt 0 ] && [ "$RAN" -eq 0 ]; then
  say "bench: not run, the GPU is not usable (every gpu test was disabled)"
elif ! "$JAVA" "${JVM_OPTS[@]}" -cp "$HERE/lib/*" dev.gargoyle.cli.Main --help 2>/dev/null | grep -qE '^ +bench( |,|$)'; then
  say "bench: this build has no 'bench' command (not listed by gargoyle --help); no benchmark run"
else
  "$JAVA" "${JVM_OPTS[@]}" -cp "$HERE/lib/*" dev.gargoyle.cli.Main bench --device cuda --shapes ahe \
    --json "$REPORT/bench-ahe.json" 2>&1 | tee "$REPORT/bench.log"
  BENCH_RC=${PIPESTATUS[0]}
  if [ "$BENCH_RC" -eq 0 ]; then
    say "bench: ok, $REPORT/bench-ahe.json"
  else
    say "bench: FAILED with exit $BENCH_RC, see $REPORT/bench.log"
  fi
fi

# --- verdict ---------------------------------------------------------------------------------------------
if [ "$NO_REPORT" -eq 1 ] || [ "$((FAILED + ERRORS + ALONE_FAILED))" -gt 0 ] || { [ "$TESTS_RC" -ne 0 ] && [ "$RAN" -gt 0 ]; } \
   || { [ "$ALONE_RC" -ne 0 ] && [ "$ALONE_RAN" -gt 0 ]; } || [ "$BENCH_RC" -ne 0 ]; then
  say "RESULT: FAILED"
  exit 1
fi
if [ "$RAN" -eq 0 ]; then
  say "RESULT: NO GPU TEST RAN${MISSING[*]+ (missing: ${MISSING[*]})}"
  exit 3
fi
say "RESULT: $RAN passed, 0 failed"
exit 0
