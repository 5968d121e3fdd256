"""Helpers of the observability tests: scraping /metrics with a token, and reading sample values."""

from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families

METRICS_TOKEN = "test-metrics-token-0123456789"


@pytest.fixture
def metrics_token(app, monkeypatch) -> str:
    monkeypatch.setitem(app.config, "METRICS_TOKEN", METRICS_TOKEN)
    return METRICS_TOKEN


@pytest.fixture
def scrape(client, metrics_token):
    """Scrape /metrics and return ``{family name: family}`` as the Prometheus text parser reads it."""

    def run() -> dict:
        response = client.get("/metrics", headers={"Authorization": f"Bearer {metrics_token}"})
        assert response.status_code == 200, response.status_code
        assert response.mimetype == "text/plain"
        return {family.name: family for family in text_string_to_metric_families(response.get_data(as_text=True))}

    return run


def sample(families: dict, name: str, **labels: str) -> float:
    """The value of sample ``name`` with exactly these labels (among others); 0 when absent."""
    family_name = name
    for suffix in ("_total", "_count", "_sum", "_bucket"):
        if name.endswith(suffix) and name[: -len(suffix)] in families:
            family_name = name[: -len(suffix)]
    family = families.get(family_name)
    if family is None:
        return 0.0
    return sum(
        s.value
        for s in family.samples
        if s.name == name and all(s.labels.get(key) == value for key, value in labels.items())
    )
