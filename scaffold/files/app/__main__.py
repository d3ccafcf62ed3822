"""`python -m app`: serve until stopped."""

from app.server import main

main()
