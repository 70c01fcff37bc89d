#!/usr/bin/env bash
# Runs a command (a nested npm, usually) as if typed in a fresh shell, not from inside `npm run`:
#   - no inherited npm_config_* / npm_package_* / npm_lifecycle_* / npm_* variables (any case): the
#     outer npm's user agent ("npm/11 node/v20") makes code-server's postinstall refuse to install;
#   - no outer node_modules/.bin or npm's node-gyp shim on PATH;
#   - no user or global .npmrc (a `nodedir` or `ignore-scripts` there must not change the install);
#     only the registry and proxy the outer npm resolved are passed on, so a mirror still works.
# Usage: clean-npm-env.sh <command> [args...]
set -euo pipefail

keep=()
if command -v npm >/dev/null 2>&1; then
  for key in registry proxy https-proxy cafile strict-ssl; do
    value=$(npm config get "$key" 2>/dev/null || true)
    case "$value" in "" | null | undefined) ;; *) keep+=("npm_config_${key//-/_}=$value") ;; esac
  done
fi

unset_args=()
while IFS= read -r name; do
  case "${name,,}" in npm_* | init_cwd | npm_node_execpath) unset_args+=(-u "$name") ;; esac
done < <(compgen -e)

clean_path=$(printf '%s' "$PATH" | tr ':' '\n' | grep -v -e '/node_modules/\.bin$' -e '/node-gyp-bin$' | paste -sd ':' -)
rc_dir=$(mktemp -d)
trap 'rm -rf "$rc_dir"' EXIT
: >"$rc_dir/user-npmrc"
: >"$rc_dir/global-npmrc"
env "${unset_args[@]}" PATH="$clean_path" npm_config_userconfig="$rc_dir/user-npmrc" npm_config_globalconfig="$rc_dir/global-npmrc" \
  npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false "${keep[@]}" "$@"
