"""Admin API: users and groups (coaches and teachers of a group see its trainees)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel
from sqlalchemy import select

from voicecoach.accounts import create_user
from voicecoach.api.deps import AdminDep, SessionDep
from voicecoach.store.models import Group, GroupMember, User

router = APIRouter(prefix="/api/admin", tags=["admin"])


class NewUser(BaseModel):
    username: str
    password: str
    role: str = "trainee"
    display_name: str | None = None


class NewGroup(BaseModel):
    name: str


class Member(BaseModel):
    username: str


@router.get("/users")
def list_users(session: SessionDep, _admin: AdminDep) -> list[dict[str, Any]]:
    return [{"username": u.username, "display_name": u.display_name, "role": u.role} for u in session.scalars(select(User))]


@router.post("/users", status_code=201)
def add_user(body: NewUser, session: SessionDep, _admin: AdminDep) -> dict[str, Any]:
    user = create_user(session, body.username, body.password, role=body.role, display_name=body.display_name)
    session.commit()
    return {"username": user.username, "role": user.role}


@router.post("/groups", status_code=201)
def add_group(body: NewGroup, session: SessionDep, _admin: AdminDep) -> dict[str, Any]:
    group = Group(name=body.name)
    session.add(group)
    session.commit()
    return {"id": group.id, "name": group.name}


@router.post("/groups/{group_id}/members", status_code=201)
def add_member(group_id: int, body: Member, session: SessionDep, _admin: AdminDep) -> dict[str, Any]:
    user = session.scalar(select(User).where(User.username == body.username))
    if user is None or session.get(Group, group_id) is None:
        raise HTTPException(404, {"code": "not_found", "message": "Groep of gebruiker bestaat niet."})
    if session.get(GroupMember, (group_id, user.id)) is None:
        session.add(GroupMember(group_id=group_id, user_id=user.id))
        session.commit()
    return {"group_id": group_id, "username": user.username}
