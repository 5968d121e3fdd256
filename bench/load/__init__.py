"""Load, fault and soak tests of the served app: gunicorn (two worker processes), PostgreSQL and a
Redis of its own for the rate limits, driven by locust with 50 users who each log in with their own
session. ``python -m bench.load load|faults|soak`` (or ``make bench-load`` …); see the README
section "Load and fault tests".
"""
