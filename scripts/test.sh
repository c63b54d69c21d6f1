#!/usr/bin/env bash
# README command 2: install everything plus the test tools (idempotent), then run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --test
# One pytest worker per core (at most four: each may run Whisper, a server and Chromium), a test file
# per worker so its module fixtures (a live service, a browser) start once; the browser files share
# one service per worker (tests/conftest.py's shared_service).
exec .venv/bin/python -m pytest -n auto --maxprocesses 4 --dist loadfile "$@"
