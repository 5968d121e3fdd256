"""/metrics: behind a bearer token, parsed with the Prometheus text parser, counting what it says."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from casebook import audit
from casebook.cli import cli
from casebook.db import db
from tests.factories import TEST_PASSWORD, make_user
from tests.ops.conftest import sample

FAMILIES = {
    "casebook_http_request_duration_seconds",
    "casebook_db_pool_checked_out",
    "casebook_db_pool_size",
    "casebook_db_pool_overflow",
    "casebook_login_failures",
    "casebook_account_lockouts",
    "casebook_audit_events",
    "casebook_audit_events_unsealed",
    "casebook_audit_oldest_unsealed_age_seconds",
    "casebook_handoffs_pending",
    "casebook_job_runs",
    "casebook_job_last_run_timestamp_seconds",
    "casebook_metrics_database_up",
}


def test_without_a_configured_token_metrics_do_not_exist(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_TOKEN", None)
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404


def test_a_missing_or_wrong_token_is_refused(client, metrics_token):
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {metrics_token}"}):
        response = client.get("/metrics", headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert "casebook_" not in response.get_data(as_text=True)


def test_the_named_families_are_exposed(scrape):
    families = scrape()
    assert set(families) >= FAMILIES, FAMILIES - set(families)
    assert sample(families, "casebook_metrics_database_up") == 1
    assert families["casebook_http_request_duration_seconds"].type == "histogram"
    assert families["casebook_audit_events"].type == "counter"


def test_a_request_is_counted_in_the_histogram_of_its_route(client, scrape):
    labels = {"endpoint": "ops.healthz", "method": "GET", "status": "2xx"}
    before = sample(scrape(), "casebook_http_request_duration_seconds_count", **labels)
    client.get("/healthz")
    client.get("/healthz?bsn=123456782")
    after = scrape()
    assert sample(after, "casebook_http_request_duration_seconds_count", **labels) == before + 2
    routes = {s.labels.get("endpoint") for s in after["casebook_http_request_duration_seconds"].samples}
    assert not [r for r in routes if "/" in (r or "") or "123456782" in (r or "")]  # endpoint names only


def test_an_unknown_path_counts_as_unmatched(client, scrape):
    labels = {"endpoint": "unmatched", "method": "GET", "status": "4xx"}
    before = sample(scrape(), "casebook_http_request_duration_seconds_count", **labels)
    client.get("/no/such/path/12345")
    assert sample(scrape(), "casebook_http_request_duration_seconds_count", **labels) == before + 1


def test_failed_logins_and_lockouts_are_counted(app, client, scrape, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES", 3)
    user = make_user()
    db.session.commit()
    before = scrape()
    for _ in range(3):
        client.post("/login", data={"username": user.username, "password": TEST_PASSWORD + "-wrong"})
    after = scrape()
    assert sample(after, "casebook_login_failures_total") == sample(before, "casebook_login_failures_total") + 3
    assert sample(after, "casebook_account_lockouts_total") == sample(before, "casebook_account_lockouts_total") + 1


def test_audit_events_written_and_unsealed_follow_the_chain(scrape):
    before = scrape()
    audit.record(None, "test.ops.metrics")
    audit.record(None, "test.ops.metrics")
    db.session.commit()
    after = scrape()
    assert sample(after, "casebook_audit_events_total") >= sample(before, "casebook_audit_events_total") + 2
    assert sample(after, "casebook_audit_events_unsealed") >= 2


def test_job_results_recorded_by_the_commands_are_scraped(app, scrape):
    runner = app.test_cli_runner()
    labels = {"job": "handoffs_expire", "outcome": "success"}
    before = sample(scrape(), "casebook_job_runs_total", **labels)
    result = runner.invoke(cli, ["handoffs", "expire"])
    assert result.exit_code == 0, result.output
    after = scrape()
    assert sample(after, "casebook_job_runs_total", **labels) == before + 1
    assert sample(after, "casebook_job_last_run_timestamp_seconds", **labels) > 1.7e9


def test_a_failing_job_is_recorded_as_a_failure(app, scrape, monkeypatch):
    from casebook.handoffs import services

    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "expire_due", broken)
    labels = {"job": "handoffs_expire", "outcome": "failure"}
    before = sample(scrape(), "casebook_job_runs_total", **labels)
    result = app.test_cli_runner().invoke(cli, ["handoffs", "expire"])
    assert result.exit_code != 0
    assert sample(scrape(), "casebook_job_runs_total", **labels) == before + 1


def test_audit_checkpoint_seals_the_trail_up_to_its_head(app, scrape):
    audit.record(None, "test.ops.metrics")
    db.session.commit()
    assert sample(scrape(), "casebook_audit_events_unsealed") >= 1
    result = app.test_cli_runner().invoke(cli, ["audit", "checkpoint", "--workers", "1"])
    assert result.exit_code == 0, result.output
    families = scrape()
    assert sample(families, "casebook_audit_events_unsealed") <= 1  # at most the events the scrapes wrote since
    assert sample(families, "casebook_job_runs_total", job="audit_checkpoint", outcome="success") >= 1


def test_multiprocess_mode_adds_up_the_workers(tmp_path):
    """Two processes count into PROMETHEUS_MULTIPROC_DIR; a third reads the sum, as a scrape under
    gunicorn does; after ``gunicorn_child_exit`` a dead worker's pool gauge is gone."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "PYTHONPATH": os.getcwd()}
    worker = textwrap.dedent(
        """
        import os
        from casebook.ops import metrics
        metrics.observe_request("cases.detail", "GET", 200, 0.02)
        metrics.login_failed(locked_now=True)
        metrics.DB_POOL_CHECKED_OUT.set(2)
        print(os.getpid())
        """
    )
    pids = [
        int(subprocess.run([sys.executable, "-c", worker], env=env, check=True, capture_output=True, text=True).stdout)  # noqa: S603 - our own code
        for _ in range(2)
    ]
    reader = textwrap.dedent(
        f"""
        from types import SimpleNamespace
        from prometheus_client import CollectorRegistry, generate_latest, multiprocess
        from casebook.ops import metrics
        metrics.gunicorn_child_exit(None, SimpleNamespace(pid={pids[0]}))
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        print(generate_latest(registry).decode())
        """
    )
    output = subprocess.run([sys.executable, "-c", reader], env=env, check=True, capture_output=True, text=True)  # noqa: S603
    output = output.stdout
    from prometheus_client.parser import text_string_to_metric_families

    families = {family.name: family for family in text_string_to_metric_families(output)}
    labels = {"endpoint": "cases.detail", "method": "GET", "status": "2xx"}
    assert sample(families, "casebook_http_request_duration_seconds_count", **labels) == 2
    assert sample(families, "casebook_login_failures_total") == 2
    assert sample(families, "casebook_account_lockouts_total") == 2
    # both workers have exited; only the one gunicorn_child_exit was told about is dropped from the live sum
    assert sample(families, "casebook_db_pool_checked_out") == 2
