"""Comments: validation, storage and moderation (no HTTP here; routes call these).

Text is stored exactly as typed and escaped when shown, never sanitised into HTML: there is no
markup a comment can carry.
"""

from __future__ import annotations

from videobrief.store import CommentView, Store


class CommentError(ValueError):
    """A comment the form must send back (empty, too long)."""


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
    status = "pending" if pending and not staff else "visible"
    return store.add_comment(video_id, name, text, status, client, staff=staff)


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
