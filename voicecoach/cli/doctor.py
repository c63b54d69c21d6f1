"""`voicecoach doctor`: print the machine check as a table."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from voicecoach.config import get_settings
from voicecoach.doctor import Status, run_checks

STYLE = {Status.OK: "green", Status.WARNING: "yellow", Status.ERROR: "red"}


def doctor() -> None:
    """Controleer Python, modellen, espeak-ng, microfoons, gegevensmap en database."""
    results = run_checks(get_settings())
    table = Table(title="VoiceCoach — controle van deze computer")
    table.add_column("Controle")
    table.add_column("Status")
    table.add_column("Details", overflow="fold")
    for result in results:
        table.add_row(result.name, f"[{STYLE[result.status]}]{result.status.value}[/]", result.detail)
    Console(width=120).print(table)
    if any(result.status is Status.ERROR for result in results):
        raise typer.Exit(1)
