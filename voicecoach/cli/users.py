"""`voicecoach users`: create accounts and groups on this computer (the first admin starts here)."""

from __future__ import annotations

import sys

import typer
from sqlalchemy import select

from voicecoach.cli.database import open_sessions
from voicecoach.errors import VoiceCoachError

app = typer.Typer(help="Gebruikers en groepen beheren.", no_args_is_help=True)


@app.command("create")
def create(
    username: str = typer.Argument(..., help="Gebruikersnaam."),
    role: str = typer.Option("trainee", help="trainee, coach, teacher of admin."),
    admin: bool = typer.Option(False, "--admin", help="Maak een beheerder (gelijk aan --role admin)."),
    name: str | None = typer.Option(None, help="Naam die in de app staat."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Lees het wachtwoord van stdin."),
) -> None:
    """Maak een gebruiker aan."""
    from voicecoach import admin_service

    password = sys.stdin.readline().rstrip("\n") if password_stdin else typer.prompt("Wachtwoord", hide_input=True, confirmation_prompt=True)
    with open_sessions()() as session:
        try:
            user = admin_service.add_user(session, None, username, password, role="admin" if admin else role, display_name=name)
        except VoiceCoachError as error:
            typer.echo(error.message, err=True)
            raise typer.Exit(1) from error
        typer.echo(f"Gebruiker {user.username} ({user.role}) aangemaakt.")


@app.command("group")
def group(
    name: str = typer.Argument(..., help="Naam van de groep (wordt gemaakt als hij nog niet bestaat)."),
    members: list[str] = typer.Option([], "--add", help="Gebruikersnaam om toe te voegen (herhaalbaar)."),
) -> None:
    """Maak een groep en voeg trainees, coaches of docenten toe (vastgelegd; de trainees zien wie
    hun opnames kan horen)."""
    from voicecoach import admin_service
    from voicecoach.store.models import Group

    with open_sessions()() as session:
        try:
            users = [admin_service.user_named(session, u) for u in members]  # a typo changes nothing
            row = session.scalar(select(Group).where(Group.name == " ".join(name.split())))
            row = row or admin_service.create_group(session, None, name)
            added = sum(admin_service.add_member(session, None, row, user) for user in users)
        except VoiceCoachError as error:
            typer.echo(error.message, err=True)
            raise typer.Exit(1) from error
        typer.echo(f"Groep {row.name}: {added} lid/leden toegevoegd.")


@app.command("password")
def password(
    username: str = typer.Argument(..., help="Gebruikersnaam."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Lees het wachtwoord van stdin."),
) -> None:
    """Stel een nieuw wachtwoord in (bijvoorbeeld voor een beheerder die het kwijt is)."""
    from voicecoach import admin_service

    secret = sys.stdin.readline().rstrip("\n") if password_stdin else typer.prompt("Nieuw wachtwoord", hide_input=True, confirmation_prompt=True)
    with open_sessions()() as session:
        try:
            admin_service.reset_password(session, None, admin_service.user_named(session, username), secret)
        except VoiceCoachError as error:
            typer.echo(error.message, err=True)
            raise typer.Exit(1) from error
        typer.echo(f"Wachtwoord van {username.strip().casefold()} is opnieuw ingesteld.")
