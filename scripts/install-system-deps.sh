#!/usr/bin/env bash
# System packages the project needs, from Debian's archive: Chromium for the browser tests,
# PostgreSQL for the gradebook/results tests, Noto CJK for Chinese chart labels (and Noto Color
# Emoji for the feedback marks), bubblewrap
# for the grading sandbox. Idempotent: installs only what is missing.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
{ command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; } || need+=(postgresql)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk fontconfig)
# Feedback marks (✅ ❌ 💡) in the browser need a colour emoji font.
fc-list 2>/dev/null | grep -qi "Noto Color Emoji" || need+=(fonts-noto-color-emoji)
command -v bwrap >/dev/null 2>&1 || need+=(bubblewrap)
# JupyterHub's proxy (configurable-http-proxy) runs on Node.js; `govai hub` / `make hub`.
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
if ((${#need[@]})); then
  if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null; then
    echo "需要安裝系統套件 / system packages needed: ${need[*]} (run as root)" >&2
    exit 1
  fi
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  echo "安裝系統套件 / installing system packages: ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# configurable-http-proxy from npm into the project's .node/ (never a global install).
CHP_VERSION=4.6.3
if [ ! -x .node/node_modules/.bin/configurable-http-proxy ] || \
   ! grep -q "\"version\": \"$CHP_VERSION\"" .node/node_modules/configurable-http-proxy/package.json 2>/dev/null; then
  echo "安裝 / installing configurable-http-proxy@$CHP_VERSION into .node/"
  npm install --prefix .node --no-audit --no-fund --silent "configurable-http-proxy@$CHP_VERSION" >/dev/null
fi
