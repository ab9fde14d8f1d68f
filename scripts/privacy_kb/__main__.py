"""`python -m privacy_kb …` is the `privacy-kb` command."""

from .cli import main

main()
