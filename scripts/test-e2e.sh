#!/usr/bin/env bash
# Browser check of the packaged extension in code-server (palette, jobs view, gallery webview, Insert).
set -euo pipefail
cd "$(dirname "$0")/.."
exec node test/e2e/gallery.e2e.mjs
