#!/usr/bin/env bash
# `make labelstudio`: a local Label Studio on loopback for reviewing records.
# Creates .ls-venv (label-studio==1.23.2, its own venv: it pins its own Django
# and SDK) if missing, keeps data in labelstudio-data/ (git-ignored), and prints
# the URL and where the API token is kept (never the token itself).
# Options: --port N (default 8080, or $LS_PORT), --data DIR (or $LS_DATA).
# The same code creates the venv for the integration-test fixture
# (pipeline/labelstudio/server.py), so both stay in step.
set -euo pipefail
cd "$(dirname "$0")/.."
# server.py needs only the standard library: any Python ≥3.11 can run it.
if [ -x .venv/bin/python ]; then PY=.venv/bin/python; else PY=python3; fi
exec "$PY" -m pipeline.labelstudio.server "$@"
