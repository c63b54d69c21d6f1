"""`voicecoach practice`: a whole conversation in the terminal, spoken or typed (the command; the
conversation itself is cli/practice_session.py, imported only when practising)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from voicecoach.config import get_settings
from voicecoach.scenarios import load_scenarios

console = Console(stderr=True)


def practice(
    scenario_id: str = typer.Option(..., "--scenario", help="Scenario-id (zie: voicecoach scenarios list)."),
    text: bool = typer.Option(False, "--text", help="Typ je antwoorden in plaats van ze in te spreken."),
    as_json: bool = typer.Option(False, "--json", help="Eén JSON-object per beurt op stdout."),
    baseline_file: Path | None = typer.Option(None, "--baseline", help="Basislijn van `calibrate`."),
    device: str | None = typer.Option(None, "--device", help="Microfoon (naam of nummer van sounddevice)."),
    user: str | None = typer.Option(
        None, "--user", help="Bewaar het gesprek bij deze gebruiker, zoals in de app: je coach kan het terugkijken. "
                             "Zonder: je opnames worden na het gesprek gewist."
    ),
) -> None:
    """Oefen een heel gesprek: de klant spreekt, jij antwoordt, je krijgt direct feedback."""
    settings = get_settings()
    scenarios, problems = load_scenarios()
    if scenario_id not in scenarios:
        known = ", ".join(sorted(scenarios))
        console.print(f"[red]Onbekend scenario '{scenario_id}'. Kies uit: {known}[/]")
        for problem in problems:
            console.print(f"[yellow]{problem}[/]", highlight=False)
        raise typer.Exit(2)
    if text and user is not None:  # nothing is recorded, so nothing would be kept: said, not silently ignored
        console.print("[red]--user bewaart je ingesproken antwoorden; met --text wordt niets opgenomen en dus niets "
                      "bewaard. Laat --user weg, of spreek je antwoorden in.[/]")
        raise typer.Exit(2)
    if baseline_file is not None and user is not None:  # a kept conversation is judged as the app judges it
        console.print("[red]Met --user wordt je stem vergeleken zoals in de app: met je laatste ijking, of anders met je "
                      "rustigste eerdere antwoord. Laat --baseline weg, of laat --user weg.[/]")
        raise typer.Exit(2)
    from voicecoach.cli.practice_session import run_practice  # Whisper, spaCy, librosa: only when practising

    run_practice(settings, scenarios[scenario_id], text=text, as_json=as_json, baseline_file=baseline_file,
                 device=device, user=user)
