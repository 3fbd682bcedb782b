#!/usr/bin/env bash
# A Learning Record Store for the learning-records tests and for agencies without one:
# ralph-malph's LRS (`ralph runserver --backend fs`). ralph[lrs] pins fastapi, uvicorn and
# importlib-metadata at versions that conflict with the project's own, so it lives in its own
# virtual environment (.venv-lrs/ by default, or $GOVAI_LRS_VENV), separate from .venv/.
# (ralph imports requests for its OIDC auth but does not require it.) Idempotent: a second run with the same pins does nothing.
set -euo pipefail
PYTHON=${PYTHON:-python3}
VENV=${GOVAI_LRS_VENV:-.venv-lrs}
SPEC="ralph-malph[lrs,cli]==5.1.0 requests==2.34.2"
PINS="$(dirname "$0")/lrs-constraints.txt"
STAMP="$VENV/.installed-$( (echo "$SPEC"; cat "$PINS") | sha256sum | cut -c1-16)"
[ -f "$STAMP" ] && exit 0
test -x "$VENV/bin/python" || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade pip
"$VENV/bin/python" -m pip install -q -c "$PINS" $SPEC
"$VENV/bin/ralph" --help >/dev/null
touch "$STAMP"
