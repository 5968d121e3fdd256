"""``casebook bench scale``: a throwaway PostgreSQL database of N cases, the app and its floor, measured in one run.

- ``database``: create and drop the bench database, set indexes aside during the bulk load.
- ``seed`` / ``rows`` / ``audit_rows``: reference data through the demo seeding, then cases, persons,
  encrypted notes, plan goals, interventions and a chained audit trail in bulk (COPY).
- ``capture``: the SQL each measured page runs, taken from one real request.
- ``floor``: a bare Flask + SQLAlchemy app replaying that SQL (what the page would cost without the app).
- ``load`` / ``runner``: gunicorn for both, a threaded load generator, the table and the JSON.
- ``commands``: the project's CLI against the bench database (``db upgrade``, ``audit verify --full``).

Depends only on stable surfaces: the models, ``casebook.crypto``, ``casebook.audit.chain``
(``compute_mac``, ``canonical_json``), ``create_app``, the CLI, the HTTP routes and the API.
"""
