"""Comments: validation, storage and moderation (no HTTP here; routes call these).

Text is stored exactly as typed and escaped when shown, never sanitised into HTML: there is no
markup a comment can carry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update

from videobrief.store import Store
from videobrief.store.web_models import Comment


class CommentError(ValueError):
    """A comment the form must send back (empty, too long)."""


@dataclass(frozen=True)
class CommentView:
    id: int
    video_id: str
    name: str
    text: str
    status: str
    created_at: datetime
    staff: bool = False


def _view(c: Comment) -> CommentView:
    return CommentView(c.id, c.video_id, c.name, c.body, c.status, c.created_at, bool(c.staff))


# Bidi embeddings, overrides, isolates and marks: in a name they can show "evil admin" as
# "live admin". Names and texts are also shown in isolating elements (<bdi>, dir=auto).
_BIDI = dict.fromkeys(
    map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
)


def strip_controls(value: str) -> str:
    """`value` without bidi controls, lone surrogates or C0 controls other than newline/tab."""
    value = value.translate(_BIDI)
    value = value.encode("utf-8", "ignore").decode("utf-8") if _has_surrogate(value) else value
    return "".join(c for c in value if c >= " " or c in "\n\t")


def _has_surrogate(value: str) -> bool:
    return any("\ud800" <= c <= "\udfff" for c in value)


def clean(name: str | None, text: str | None, max_name: int, max_text: int) -> tuple[str, str]:
    """Trim and check a submission; raises CommentError with a reason a person can act on."""
    name = " ".join(strip_controls(name or "").split())
    text = strip_controls(text or "").strip()
    if not name or not text:
        raise CommentError("Both a name and a comment are needed.")
    if len(name) > max_name:
        raise CommentError(f"The name is too long (at most {max_name} characters).")
    if len(text) > max_text:
        raise CommentError(f"The comment is too long (at most {max_text} characters).")
    return name, text


def add(
    store: Store,
    video_id: str,
    name: str,
    text: str,
    client: str,
    pending: bool,
    staff: bool = False,
) -> int:
    """Store a cleaned comment; returns its id. `staff`: posted by a signed-in admin."""
    row = Comment(
        video_id=video_id,
        name=name,
        body=text,
        status="pending" if pending and not staff else "visible",
        client=client,
        staff=staff,
    )
    with store.writing() as session:
        session.add(row)
        session.flush()
        return row.id


def for_video(store: Store, video_id: str, admin: bool = False) -> list[CommentView]:
    """Oldest first; readers see visible comments, admins see everything."""
    stmt = select(Comment).where(Comment.video_id == video_id)
    if not admin:
        stmt = stmt.where(Comment.status == "visible")
    with store.reading() as session:
        rows = session.scalars(stmt.order_by(Comment.created_at, Comment.id)).all()
        return [_view(c) for c in rows]


def get(store: Store, comment_id: int) -> CommentView | None:
    with store.reading() as session:
        row = session.get(Comment, comment_id)
        return _view(row) if row else None


def moderate(store: Store, comment_id: int, action: str) -> bool:
    """approve | hide | delete; False if no such comment."""
    statuses = {"approve": "visible", "hide": "hidden"}
    with store.writing() as session:
        if action == "delete":
            result = session.execute(delete(Comment).where(Comment.id == comment_id))
        elif action in statuses:
            result = session.execute(
                update(Comment).where(Comment.id == comment_id).values(status=statuses[action])
            )
        else:
            raise ValueError(f"unknown moderation action {action!r}")
    return bool(result.rowcount)
