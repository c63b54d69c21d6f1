"""`voicecoach scenarios validate`: check scenario files and say precisely what is wrong."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from voicecoach.scenarios import SCENARIOS_DIR, load_scenarios

app = typer.Typer(help="Scenario's bekijken en controleren.", no_args_is_help=True)


@app.command("validate")
def validate(files: list[Path] = typer.Argument(None, help="Scenariobestanden (standaard: alle in scenarios/).")) -> None:
    """Controleer scenariobestanden; exitcode 1 als er iets mis is."""
    console = Console()
    scenarios, problems = load_scenarios(files or sorted(SCENARIOS_DIR.glob("*.yaml")))
    for scenario in scenarios.values():
        console.print(f"[green]✓[/] {scenario.id}: {scenario.title}")
    for problem in problems:
        console.print(f"[red]✗[/] {problem}", highlight=False)
    if problems:
        raise typer.Exit(1)


@app.command("list")
def list_scenarios() -> None:
    """Toon de scenario's met hun setting."""
    scenarios, _ = load_scenarios()
    for scenario in scenarios.values():
        print(f"{scenario.id}\t{scenario.title}\t(moeilijkheid {scenario.difficulty})")
