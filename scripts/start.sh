#!/usr/bin/env bash
# README command 1: install everything (idempotent), then start the web service on 127.0.0.1:8000.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
exec .venv/bin/voicecoach serve
