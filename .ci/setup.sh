# Sourced by .ci/run and .ci/app: a virtual environment with arbench installed (editable).
# Re-running is cheap: pip only installs what is missing.
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.arbench-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e '.[test,build]'
  touch "$stamp"
fi
