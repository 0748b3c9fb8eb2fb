"""`python -m orggraph` runs the same command line as the `orggraph` script."""

from orggraph.cli import main

main()
