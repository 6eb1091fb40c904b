"""What a finished transcript becomes for readers: exports (SRT, VTT, text, JSON, the
English track) and the self-contained page. Reads records; knows nothing of the store."""
