"""Command line: `voicecoach COMMAND`. Each command lives in its own module."""

from __future__ import annotations

import logging
import os

import typer

from voicecoach.cli import analyse, classify, doctor, models, practice, scenarios, serve, users, worker

app = typer.Typer(
    name="voicecoach",
    help="VoiceCoach: oefen de-escalerende gesprekken met een boze klant (offline).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(models.app, name="models")
app.add_typer(scenarios.app, name="scenarios")
app.add_typer(users.app, name="users")
app.command("doctor")(doctor.doctor)
app.command("serve")(serve.serve)
app.command("worker")(worker.worker)
app.command("calibrate")(analyse.calibrate)
app.command("calibration-text")(analyse.calibration_text)
app.command("analyse")(analyse.analyse)
app.command("classify")(classify.classify)
app.command("practice")(practice.practice)


def main() -> None:
    os.umask(0o077)  # recordings, the database and exports are personal data: owner-only (config.prepare_data_dir)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("faster_whisper").setLevel(logging.WARNING)
    app()
