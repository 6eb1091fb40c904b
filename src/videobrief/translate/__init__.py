"""Text translation of the English track: bundled model, prompts, validation, the track."""
