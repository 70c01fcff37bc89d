#!/usr/bin/env bash
# Browser checks of the packaged extension in code-server (palette, jobs view, gallery webview, Insert;
# a sweep's grid, its 100-cell render figures, Save contact sheet; opening a gallery of 260 images,
# its figures).
set -euo pipefail
cd "$(dirname "$0")/.."
node test/e2e/gallery.e2e.mjs
node test/e2e/sweepGrid.e2e.mjs
exec node test/e2e/galleryOpen.e2e.mjs
