#!/usr/bin/env bash
# Integration tests inside a real VS Code (code-server); tools are installed on first use.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/extension.js ] && [ -f out/test/integration/index.js ] || npm run build
node scripts/run-vscode-tests.mjs
# the same extension in a folder nobody trusted (restricted mode)
node scripts/run-vscode-tests.mjs --untrusted
# jobs across a real window reload: the suite runs, reloads its window, and runs again
node scripts/run-vscode-tests.mjs --reload
