"""The store's queries beyond reading and writing a video, one module per area; `Store`
mixes in the classes defined here."""
