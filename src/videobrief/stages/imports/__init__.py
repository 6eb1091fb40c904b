"""The `import` stage (`import` is a Python keyword, hence `imports`): an existing
transcript file (SRT, WebVTT, "MM:SS text" lines) in place of speech recognition."""
