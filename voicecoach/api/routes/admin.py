"""Admin API: users and groups. Every change is audited; adding a coach or teacher to a group is
shown to the group's trainees and reviewers (voicecoach/transparency.py)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import select

from voicecoach import admin_service as admin
from voicecoach.api.deps import AdminDep, DbId, SessionDep
from voicecoach.api.schemas import ERRORS
from voicecoach.store.models import Group, GroupMember, User

router = APIRouter(prefix="/api/admin", tags=["admin"], responses=ERRORS)

Name = Field(min_length=1, max_length=200)
Password = Field(min_length=1, max_length=1024)


class NewUser(BaseModel):
    username: str = Name
    password: str = Password
    role: str = Field(default="trainee", max_length=20)
    display_name: str | None = Field(default=None, max_length=200)


class UserChange(BaseModel):
    role: str | None = Field(default=None, max_length=20)
    display_name: str | None = Field(default=None, max_length=200)


class NewPassword(BaseModel):
    password: str = Password


class NewGroup(BaseModel):
    name: str = Field(min_length=1, max_length=200)


class Member(BaseModel):
    username: str = Name


def _user_view(user: User) -> dict[str, Any]:
    return {"username": user.username, "display_name": user.display_name, "role": user.role, "active": user.active}


@router.get("/users")
def list_users(session: SessionDep, _admin: AdminDep) -> list[dict[str, Any]]:
    return [_user_view(u) for u in session.scalars(select(User).order_by(User.username))]


@router.post("/users", status_code=201)
def add_user(body: NewUser, session: SessionDep, actor: AdminDep) -> dict[str, Any]:
    return _user_view(admin.add_user(session, actor, body.username, body.password, role=body.role, display_name=body.display_name))


@router.patch("/users/{username}")
def change_user(username: str, body: UserChange, session: SessionDep, actor: AdminDep) -> dict[str, Any]:
    """Role (ends the user's sessions) and display name; not your own role."""
    user = admin.user_named(session, username)
    admin.change_user(session, actor, user, role=body.role, display_name=body.display_name)
    return _user_view(user)


@router.post("/users/{username}/password", status_code=204)
def reset_password(username: str, body: NewPassword, session: SessionDep, actor: AdminDep) -> Response:
    """A new password (ends the user's sessions); the user's coaches and trainees see that it happened."""
    admin.reset_password(session, actor, admin.user_named(session, username), body.password)
    return Response(status_code=204)


@router.post("/users/{username}/deactivate")
def deactivate(username: str, session: SessionDep, actor: AdminDep) -> dict[str, Any]:
    user = admin.user_named(session, username)
    admin.set_active(session, actor, user, False)
    return _user_view(user)


@router.post("/users/{username}/activate")
def activate(username: str, session: SessionDep, actor: AdminDep) -> dict[str, Any]:
    user = admin.user_named(session, username)
    admin.set_active(session, actor, user, True)
    return _user_view(user)


@router.get("/groups")
def list_groups(session: SessionDep, _admin: AdminDep) -> list[dict[str, Any]]:
    members = session.execute(select(GroupMember.group_id, User.username).join(User, User.id == GroupMember.user_id)).all()
    return [
        {"id": g.id, "name": g.name, "members": sorted(name for group_id, name in members if group_id == g.id)}
        for g in session.scalars(select(Group).order_by(Group.name))
    ]


@router.post("/groups", status_code=201)
def add_group(body: NewGroup, session: SessionDep, actor: AdminDep) -> dict[str, Any]:
    group = admin.create_group(session, actor, body.name)
    return {"id": group.id, "name": group.name}


@router.post("/groups/{group_id}/members", status_code=201)
def add_member(group_id: DbId, body: Member, session: SessionDep, actor: AdminDep) -> dict[str, Any]:
    group, user = admin.group_by_id(session, group_id), admin.user_named(session, body.username)
    admin.add_member(session, actor, group, user)
    return {"group_id": group_id, "username": user.username}


@router.delete("/groups/{group_id}/members/{username}", status_code=204)
def remove_member(group_id: DbId, username: str, session: SessionDep, actor: AdminDep) -> Response:
    admin.remove_member(session, actor, admin.group_by_id(session, group_id), admin.user_named(session, username))
    return Response(status_code=204)
