"""`python -m faktaark` runs the command line."""

from faktaark.cli.app import main

main()
