#!/usr/bin/env bash
# Create .venv and install jixiao with its test extras. CPU torch first, so nothing pulls a GPU build.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
. .venv/bin/activate
python -m pip install -q --upgrade pip
python -c "import torch" 2>/dev/null || python -m pip install -q "torch==2.13.0"
python -m pip install -q -e ".[test]"
# ECharts for the round dashboard, served by the app itself (never a CDN): packed once from the npm registry
# into api/static/vendor/ (gitignored); later runs find it there and need no network. Without npm or the
# registry the dashboard still works and shows its figures as tables.
ECHARTS_VERSION=6.1.0
ECHARTS_BUILD=common  # bar, line, pie, tooltip, legend…: 0.7 MB instead of the full 1.1 MB
VENDOR=api/static/vendor
if [ "$(cat "$VENDOR/echarts.version" 2>/dev/null)" != "$ECHARTS_VERSION $ECHARTS_BUILD" ] || [ ! -s "$VENDOR/echarts.$ECHARTS_BUILD.min.js" ]; then
  if command -v npm >/dev/null 2>&1; then
    tmp=$(mktemp -d)
    if (cd "$tmp" && npm pack "echarts@$ECHARTS_VERSION" --silent >/dev/null 2>&1) \
      && tar -xzf "$tmp/echarts-$ECHARTS_VERSION.tgz" -C "$tmp" "package/dist/echarts.$ECHARTS_BUILD.min.js" package/LICENSE; then
      mkdir -p "$VENDOR"
      cp "$tmp/package/dist/echarts.$ECHARTS_BUILD.min.js" "$VENDOR/echarts.$ECHARTS_BUILD.min.js"
      cp "$tmp/package/LICENSE" "$VENDOR/echarts.LICENSE.txt"
      echo "$ECHARTS_VERSION $ECHARTS_BUILD" > "$VENDOR/echarts.version"
    else
      echo "警告：未能从 npm 获取 ECharts $ECHARTS_VERSION，本轮审核总览将以表格代替图表。" >&2
    fi
    rm -rf "$tmp"
  else
    echo "警告：未找到 npm，无法安装 ECharts，本轮审核总览将以表格代替图表。" >&2
  fi
fi
