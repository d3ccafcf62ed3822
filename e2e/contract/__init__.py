"""The conformance suite's parts: HTTP over a plain socket (http), expectations (judge), checks
as data (registry), the checks of each part of docs/api-contract.md (items, request_rules,
body_rules, graphql, auth, throttle) and how they are run (runner). e2e/conformance.py is the
command line."""
