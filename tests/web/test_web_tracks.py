"""The player carries subtitle tracks the app serves; `?track=english` serves the English."""

from __future__ import annotations

import webvtt


def test_player_has_a_subtitle_track_that_the_app_serves(client, en_id):
    page = client.get(f"/v/{en_id}").text
    assert (
        f'<track kind="subtitles" label="Original" srclang="en" src="/v/{en_id}/export/vtt' in page
    )
    vtt = client.get(f"/v/{en_id}/export/vtt?track=original")
    assert vtt.status_code == 200 and webvtt.from_string(vtt.text).captions
    english = client.get(f"/v/{en_id}/export/vtt?track=english")
    assert english.status_code == 200  # English speech: its English track is the original
    assert [c.text for c in webvtt.from_string(english.text)] == [
        c.text for c in webvtt.from_string(vtt.text)
    ]
    assert client.get(f"/v/{en_id}/export/vtt?track=klingon").status_code == 422
