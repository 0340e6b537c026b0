#!/usr/bin/env bash
# Create .venv with Python 3.11 when it is missing and install the project into it.
# Usage: scripts/setup_venv.sh [test]
# The install is skipped when pyproject.toml has not changed since the last one: a stamp inside
# .venv records pyproject's hash (one stamp per extras set; the test install covers the plain one).
set -euo pipefail
cd "$(dirname "$0")/.."

extras="${1:-}"
venv=.venv
python_cmd="${PYTHON:-python3.11}"

if [[ ! -x "$venv/bin/python" ]]; then
    if ! command -v "$python_cmd" >/dev/null 2>&1; then
        echo "ipapp: $python_cmd was not found. Install Python 3.11 (e.g. apt-get install python3.11 python3.11-venv)," >&2
        echo "ipapp: or name another 3.11 interpreter: make run PYTHON=/path/to/python3.11" >&2
        exit 1
    fi
    version="$("$python_cmd" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
    if [[ "$version" != "3.11" ]]; then
        echo "ipapp: $python_cmd is Python $version; ipapp needs Python 3.11." >&2
        exit 1
    fi
    echo "ipapp: creating the virtual environment in $venv ..." >&2
    "$python_cmd" -m venv "$venv"
fi

hash="$(sha256sum pyproject.toml | cut -d' ' -f1)"
stamp_plain="$venv/.ipapp-installed"
stamp_test="$venv/.ipapp-installed-test"

if [[ "$extras" == "test" ]]; then
    stamp="$stamp_test"
    target=".[test]"
else
    stamp="$stamp_plain"
    target="."
    # An install with the test extras also installed everything the app needs.
    if [[ -f "$stamp_test" && "$(cat "$stamp_test")" == "$hash" ]]; then
        exit 0
    fi
fi

if [[ -f "$stamp" && "$(cat "$stamp")" == "$hash" ]]; then
    exit 0
fi

echo "ipapp: installing Python packages into $venv (pip install -e '$target'; first time 1-3 min) ..." >&2
rm -f "$stamp"
"$venv/bin/python" -m pip install --disable-pip-version-check --quiet --editable "$target"
echo "$hash" > "$stamp"
if [[ "$extras" == "test" ]]; then
    echo "$hash" > "$stamp_plain"
fi
echo "ipapp: Python packages installed." >&2
