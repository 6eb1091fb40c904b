"""The `decode` stage: a media file to 16 kHz mono float32 audio (never stored)."""
