"""Classroom rollenspel: a teacher's round with join code, rotating roles, observers' checklists,
a live board for the projector, the nabespreking, and LAN mode for the students' phones."""
