"""A reference server of docs/api-contract.md on Python's standard library: the REST items API,
accounts and bearer tokens, and enough of GraphQL over HTTP for the graphql profile. The
conformance suite's own tests run it, and mutants of it (mutants.py) that each break one rule."""
