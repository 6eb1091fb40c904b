"""Comments: validation, storage and moderation (no HTTP here; routes call these).

Text is stored exactly as typed and escaped when shown, never sanitised into HTML: there is no
markup a comment can carry.
"""

from __future__ import annotations

from videobrief.store import CommentView, Store


class CommentError(ValueError):
    """A comment the form must send back (empty, too long)."""


def clean(name: str | None, text: str | None, max_name: int, max_text: int) -> tuple[str, str]:
    """Trim and check a submission; raises CommentError with a reason a person can act on."""
    name, text = (name or "").strip(), (text or "").strip()
    if not name or not text:
        raise CommentError("Both a name and a comment are needed.")
    if len(name) > max_name:
        raise CommentError(f"The name is too long (at most {max_name} characters).")
    if len(text) > max_text:
        raise CommentError(f"The comment is too long (at most {max_text} characters).")
    return name, text


def add(store: Store, video_id: str, name: str, text: str, client: str, pending: bool) -> int:
    """Store a cleaned comment; returns its id."""
    return store.add_comment(video_id, name, text, "pending" if pending else "visible", client)


def for_video(store: Store, video_id: str, admin: bool = False) -> list[CommentView]:
    """Oldest first; readers see visible comments, admins see everything."""
    return store.comments_for(video_id, None if admin else ("visible",))


def get(store: Store, comment_id: int) -> CommentView | None:
    return store.get_comment(comment_id)


def moderate(store: Store, comment_id: int, action: str) -> bool:
    """approve | hide | delete; False if no such comment."""
    statuses = {"approve": "visible", "hide": "hidden"}
    if action == "delete":
        return store.delete_comment(comment_id)
    if action in statuses:
        return store.set_comment_status(comment_id, statuses[action])
    raise ValueError(f"unknown moderation action {action!r}")
