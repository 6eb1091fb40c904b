"""`python -m videobrief` is the same as the `videobrief` command."""

from videobrief.cli import main

main()
