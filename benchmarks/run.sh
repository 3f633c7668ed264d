#!/usr/bin/env bash
# Run every benchmark (model parse+resolve, start-up, lint vs yamllint).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 benchmarks/bench_model.py
python3 benchmarks/bench_lint.py
python3 benchmarks/bench_apps.py
python3 benchmarks/bench_probe.py   # needs root, postfix, sasl2-bin, testssl.sh
