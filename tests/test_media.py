"""Ingest: every container FFmpeg decodes comes out as the same 16 kHz mono signal; bad files
give one clear BadInput."""

from __future__ import annotations

import wave

import numpy as np
import pytest

from tests.media import FORMATS, encode, write_wav
from videobrief.errors import BadInput
from videobrief.media import SAMPLE_RATE, decode_audio, probe, sha256_file


@pytest.mark.parametrize("suffix", sorted(FORMATS))
def test_every_format_decodes_to_the_same_speech(tmp_path, speech_samples, suffix):
    path = encode(speech_samples, tmp_path / f"clip{suffix}")
    info = probe(path)
    audio = decode_audio(path, info.duration)
    assert audio.dtype == np.float32 and audio.ndim == 1
    expected = len(speech_samples) / SAMPLE_RATE
    # lossy codecs pad a few frames at the edges; the length must still match closely
    assert abs(len(audio) / SAMPLE_RATE - expected) < 0.15
    assert abs(info.duration - expected) < 0.2
    rms_in = float(np.sqrt(np.mean(speech_samples**2)))
    rms_out = float(np.sqrt(np.mean(audio**2)))
    assert rms_out == pytest.approx(rms_in, rel=0.15)
    assert info.has_video is (FORMATS[suffix][1] is not None)


def test_identity_is_the_hash_of_the_bytes(tmp_path, speech_samples):
    a = write_wav(tmp_path / "a.wav", speech_samples)
    b = tmp_path / "renamed.wav"
    b.write_bytes(a.read_bytes())
    assert probe(a).sha256 == probe(b).sha256 == sha256_file(a)
    write_wav(tmp_path / "c.wav", speech_samples * 0.5)
    assert probe(tmp_path / "c.wav").sha256 != probe(a).sha256


def test_decoding_grows_past_a_short_estimate(tmp_path, speech_samples):
    path = write_wav(tmp_path / "a.wav", speech_samples)
    audio = decode_audio(path, expected_seconds=0.0)
    np.testing.assert_allclose(audio, speech_samples, atol=1e-4)


def test_empty_file_is_bad_input(tmp_path):
    path = tmp_path / "empty.mp4"
    path.touch()
    with pytest.raises(BadInput, match="empty file"):
        probe(path)


def test_text_named_mp4_is_bad_input(tmp_path):
    path = tmp_path / "notes.mp4"
    path.write_text("this is a text file, not a video\n" * 20)
    with pytest.raises(BadInput, match="not a media file"):
        probe(path)


def test_truncated_mp4_is_bad_input(tmp_path, speech_samples):
    whole = encode(speech_samples, tmp_path / "whole.mp4")
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    with pytest.raises(BadInput, match="cut.mp4"):
        decode_audio(cut, probe(cut).duration)


def test_zero_length_audio_is_bad_input(tmp_path):
    path = tmp_path / "zero.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
    with pytest.raises(BadInput, match="no samples|not a media file"):
        decode_audio(path)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(BadInput, match="no such file"):
        probe(tmp_path / "nope.wav")
    with pytest.raises(BadInput, match="folder"):
        probe(tmp_path)
