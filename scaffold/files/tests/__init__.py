"""The tests: `python -m unittest discover -s tests -t .`."""
