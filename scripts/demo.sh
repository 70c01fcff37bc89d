#!/usr/bin/env bash
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f out/src/core/results/png.js ] || npm run build
exec node scripts/demo.mjs
