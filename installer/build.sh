#!/usr/bin/env bash
# Build the standalone arbench bundle on Linux or macOS: dist/arbench/ (and dist/arbench.app on
# macOS). Usage: installer/build.sh [--clean] [--package]
#   --clean    drop PyInstaller's cache in build/pyinstaller first (after upgrading libraries)
#   --package  Linux: also write dist/arbench-VERSION-linux-x86_64.tar.gz (bundle + installer)
# Needs a Python 3.11+ with arbench and its `build` extra: the script uses .venv (created with
# `pip install -e '.[build]'` when missing) or the interpreter in $PYTHON.
set -euo pipefail
cd "$(dirname "$0")/.."

clean=0
package=0
for arg in "$@"; do
  case "$arg" in
    --clean) clean=1 ;;
    --package) package=1 ;;
    *) echo "build.sh: unknown option $arg (use --clean, --package)" >&2; exit 2 ;;
  esac
done

PY=${PYTHON:-.venv/bin/python}
if [ ! -x "$PY" ]; then
  python3 -m venv .venv
  PY=.venv/bin/python
  "$PY" -m pip install --quiet -e '.[build]'
fi
"$PY" -m PyInstaller --version >/dev/null 2>&1 || "$PY" -m pip install --quiet -e '.[build]'

args=(--noconfirm --distpath dist --workpath build/pyinstaller)
[ "$clean" = 1 ] && args+=(--clean)
"$PY" -m PyInstaller "${args[@]}" installer/arbench.spec

exe=dist/arbench/arbench
[ "$(uname)" = Darwin ] && exe=dist/arbench/arbench-cli
version=$("$exe" --version)
echo "built: $version in dist/arbench ($(du -sh dist/arbench | cut -f1))"
[ -d dist/arbench.app ] && echo "built: dist/arbench.app ($(du -sh dist/arbench.app | cut -f1))"

if [ "$package" = 1 ] && [ "$(uname)" = Linux ]; then
  name="arbench-${version#arbench }-linux-$(uname -m)"
  stage="build/package/$name"
  rm -rf "$stage" && mkdir -p "$stage"
  cp -a dist/arbench "$stage/arbench"
  cp installer/linux/install.sh installer/linux/arbench.desktop "$stage/"
  tar -C build/package -czf "dist/$name.tar.gz" "$name"
  echo "packaged: dist/$name.tar.gz ($(du -sh "dist/$name.tar.gz" | cut -f1)); users run ./install.sh inside it"
fi
