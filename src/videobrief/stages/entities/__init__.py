"""The `entities` stage: people, places, organisations and dates, merged across forms and
scripts (extract → merge), and cue-named speakers resolved to full names (`resolve`)."""
