"""The report queries: each a function ``(session, scope, filters) -> list[CountTable | DurationTable]``
of one or a few aggregate statements (GROUP BY), never a loop over cases."""
