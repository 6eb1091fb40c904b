"""Ingest: every container FFmpeg decodes comes out as the same 16 kHz mono signal; bad files
give one clear BadInput; hostile headers are refused before a sample is decoded."""

from __future__ import annotations

import time
import tracemalloc
import wave

import numpy as np
import pytest

from tests.media import FORMATS, declared_wav, encode, flac_declaring, write_wav
from videobrief.errors import BadInput
from videobrief.media import (
    SAMPLE_RATE,
    MediaRefused,
    decode_audio,
    probe,
    sha256_file,
)


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


def _refused_fast(path, match: str, **kwargs) -> None:
    """`probe` refuses `path` in under a second without allocating audio (< 5 MB traced)."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(MediaRefused, match=match):
            probe(path, **kwargs)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 1.0
    assert peak < 5 * 2**20, f"{peak / 2**20:.1f} MB allocated: something was decoded"


def test_a_65_kb_wav_declaring_18_hours_at_1_hz_is_refused_before_decoding(tmp_path):
    bomb = declared_wav(tmp_path / "b.wav", rate=1, samples=65_536)  # 18:12:16 of real samples
    assert bomb.stat().st_size == 65_580
    _refused_fast(bomb, r"b\.wav: declares audio at 1 Hz, below the 4000 Hz")
    _refused_fast(declared_wav(tmp_path / "b8.wav", 8, 65_536), "at 8 Hz")


def test_a_header_declaring_18_hours_at_16_khz_is_refused_over_the_limit(tmp_path):
    one_second = np.zeros(SAMPLE_RATE, np.float32)
    liar = flac_declaring(tmp_path / "long.flac", one_second, declared_seconds=18 * 3600)
    assert liar.stat().st_size < 100_000
    _refused_fast(liar, "declares 18 h of audio, over the --max-duration limit of 6 h")
    assert probe(liar, max_seconds=None).duration == 18 * 3600  # the facts, when asked


def test_the_duration_limit_is_the_callers(tmp_path, speech_samples):
    path = write_wav(tmp_path / "a.wav", speech_samples[: 3 * SAMPLE_RATE])
    assert probe(path).duration == pytest.approx(3.0)
    with pytest.raises(MediaRefused, match="declares 3 s of audio, over .* limit of 2 s"):
        probe(path, max_seconds=2.0)


def test_decoding_stops_at_the_limit_whatever_the_header_declared(tmp_path, speech_samples):
    three = speech_samples[: 3 * SAMPLE_RATE]
    liar = flac_declaring(tmp_path / "short.flac", three, declared_seconds=1.0)
    info = probe(liar, max_seconds=2.0)  # the header claims 1 s: it passes the probe
    assert info.duration == pytest.approx(1.0)
    with pytest.raises(MediaRefused, match="decodes to more than 2 s of audio"):
        decode_audio(liar, info.duration, max_seconds=2.0)
    audio = decode_audio(liar, info.duration)  # under the default limit: all of it, grown
    assert len(audio) == len(three)


def test_absurd_channel_counts_are_refused_before_decoding(tmp_path):
    _refused_fast(declared_wav(tmp_path / "c.wav", 16_000, 512, channels=200), "200 audio channels")


def test_telephone_audio_at_8_khz_is_accepted(tmp_path, speech_samples):
    path = encode(speech_samples[::2].copy(), tmp_path / "phone.wav", rate=8000)
    info = probe(path)
    assert info.duration == pytest.approx(len(speech_samples) / SAMPLE_RATE, abs=0.01)
    assert len(decode_audio(path, info.duration)) == pytest.approx(len(speech_samples), abs=160)
