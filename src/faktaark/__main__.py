"""`python -m faktaark` runs the command line."""

from faktaark.cli import main

main()
