#!/usr/bin/env bash
# System packages for the browser tests: Debian's Chromium + driver and a Chinese font (for readable
# screenshots). No browser is ever downloaded by a test tool. Needs root (or sudo) and apt-get.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi wqy; then
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
( $SUDO apt-get update -q && $SUDO apt-get install -y -q chromium chromium-driver fonts-wqy-microhei ) \
  >/tmp/jixiao-apt.log 2>&1 || { echo "安装 chromium 失败（见 /tmp/jixiao-apt.log）"; tail -20 /tmp/jixiao-apt.log; exit 1; }
