"""Management information: suppressed count and duration tables, their charts and exports."""
