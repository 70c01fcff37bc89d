#!/usr/bin/env bash
# Integration tests inside a real VS Code (code-server); tools are installed on first use.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/extension.js ] && [ -f out/test/integration/index.js ] || npm run build
exec node scripts/run-vscode-tests.mjs
