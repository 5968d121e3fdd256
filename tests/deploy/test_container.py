"""deploy/Dockerfile, .dockerignore and deploy/compose.yaml: what goes into the image, and the test
environment around it. ``docker compose config`` (or docker-compose v1) validates the compose file when
installed; the YAML is checked here in any case.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.deploy.servers import ROOT

DOCKERFILE = ROOT / "deploy" / "Dockerfile"
COMPOSE = ROOT / "deploy" / "compose.yaml"
SECRET_NAME = re.compile(r"SECRET|PASSWORD|MASTER_KEYS|TOKEN", re.IGNORECASE)


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    result = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            result.append((word.upper(), rest.strip()))
    return result


def stages() -> list[list[tuple[str, str]]]:
    found: list[list[tuple[str, str]]] = []
    for instruction in instructions():
        if instruction[0] == "FROM":
            found.append([])
        if found:
            found[-1].append(instruction)
    return found


def test_the_image_is_multi_stage_and_runs_gunicorn_as_a_user_with_a_health_check() -> None:
    build, runtime = stages()
    assert "AS build" in build[0][1] and "AS runtime" in runtime[0][1]
    assert any("i18n_catalogs compile" in args for word, args in build if word == "RUN")
    users = [args for word, args in runtime if word == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    (healthcheck,) = [args for word, args in runtime if word == "HEALTHCHECK"]
    assert "/healthz" in healthcheck
    (command,) = [json.loads(args) for word, args in runtime if word == "CMD"]
    assert command[0] == "gunicorn" and command[command.index("--config") + 1] == "/app/deploy/gunicorn.conf.py"
    # The runtime stage takes only the virtualenv and the tree the build stage made.
    copies = [args for word, args in runtime if word == "COPY"]
    assert copies and all(args.startswith("--from=build ") for args in copies)


def test_no_secret_is_baked_into_the_image() -> None:
    for word, args in instructions():
        if word in ("ENV", "ARG", "LABEL"):
            for assignment in shlex.split(args):
                name, _, value = assignment.partition("=")
                assert not (SECRET_NAME.search(name) and value), assignment
        if word in ("COPY", "ADD"):
            assert not re.search(r"keyring|instance|\.env\b|secrets/", args), args


def _dockerignore_rules() -> list[tuple[bool, str]]:
    rules = []
    for line in (ROOT / ".dockerignore").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            rules.append((line.startswith("!"), line.lstrip("!").rstrip("/")))
    return rules


def _matches(pattern: str, path: str) -> bool:
    """Docker's rule: a pattern matches the path or any directory above it; ``**`` any depth."""
    parts = path.split("/")
    regex = fnmatch.translate(pattern).replace(".*.*/", "(.*/)?")
    return any(re.match(regex, "/".join(parts[: depth + 1])) for depth in range(len(parts)))


def build_context(files: list[str]) -> set[str]:
    """The files of ``files`` that .dockerignore lets into the build context (last matching rule wins)."""
    rules = _dockerignore_rules()
    kept = set()
    for path in files:
        included = True
        for negated, pattern in rules:
            if _matches(pattern, path):
                included = negated
        if included:
            kept.add(path)
    return kept


def test_the_build_context_holds_the_app_and_never_a_secret() -> None:
    tracked = subprocess.run(  # noqa: S603 - git lists the checkout's files
        [shutil.which("git") or "git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    planted = [
        "instance/keyring.json",
        "instance/secret_key",
        "instance/casebook.sqlite3",
        "deploy/secrets/keyring.json",
        "deploy/compose.env",
        "keyring.json",
        "casebook/keyring.json",
        ".env",
        "config/production.env",
        ".venv/bin/python",
        ".git/config",
        "translations/nl/LC_MESSAGES/messages.mo",
        "casebook/__pycache__/cli.cpython-311.pyc",
    ]
    context = build_context(tracked + planted)
    assert not context & set(planted)
    for needed in (
        "pyproject.toml",
        "wsgi.py",
        "alembic.ini",
        "casebook/__init__.py",
        "casebook/cli.py",
        "config/default.py",
        "deploy/gunicorn.conf.py",
        "scripts/pg_roles.py",
        "translations/nl/LC_MESSAGES/messages.po",
    ):
        assert needed in context, needed
    assert any(path.startswith("templates/") for path in context)
    assert any(path.startswith("migrations/versions/") for path in context)
    assert any(path.startswith("casebook/static/") for path in context)
    assert not any(path.startswith(("tests/", "bench/", "docs/", ".ci/")) for path in context)


def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def test_compose_has_postgres_redis_and_the_app_with_health_checks() -> None:
    services = compose()["services"]
    assert set(services) == {"postgres", "redis", "roles", "migrate", "app"}
    for name in ("postgres", "redis", "app"):
        assert services[name]["healthcheck"]["test"], name
    assert "/healthz" in " ".join(services["app"]["healthcheck"]["test"])
    assert services["app"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["app"]["depends_on"]["redis"]["condition"] == "service_healthy"
    assert services["migrate"]["depends_on"]["roles"]["condition"] == "service_completed_successfully"
    assert services["roles"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "pg_roles.py grant" in " ".join(services["migrate"]["command"])
    assert "pg_roles.py setup" in " ".join(services["roles"]["command"])
    assert set(compose()["volumes"]) == {"pgdata", "casebook-data"}


def test_compose_keeps_secrets_in_files_and_the_owner_away_from_the_app() -> None:
    document = compose()
    for name, service in document["services"].items():
        environment = service.get("environment", {})
        for key, value in environment.items():
            assert not SECRET_NAME.search(key) or str(value).startswith("/run/secrets/"), (name, key)
    app = document["services"]["app"]
    assert app["env_file"] == ["compose.env"]
    assert "casebook_keyring" in app["secrets"]
    assert document["secrets"]["casebook_keyring"]["file"] == "./secrets/keyring.json"
    assert document["services"]["migrate"]["env_file"] == ["compose.env", "compose.owner.env"]
    gitignore = (ROOT / "deploy" / ".gitignore").read_text().split()
    assert {"/compose.env", "/compose.owner.env", "/secrets/"} <= set(gitignore)
    # The examples hold placeholders only.
    for example in ("compose.env.example", "compose.owner.env.example"):
        for line in (ROOT / "deploy" / example).read_text().splitlines():
            name, _, value = line.partition("=")
            if SECRET_NAME.search(name) and not line.startswith("#"):
                assert "CHANGE-ME" in value, line


def _compose_command() -> list[str] | None:
    if shutil.which("docker"):
        probe = subprocess.run(  # noqa: S603 - docker's own version check
            [shutil.which("docker"), "compose", "version"], capture_output=True, text=True, check=False
        )
        if probe.returncode == 0:
            return [shutil.which("docker"), "compose"]
    if shutil.which("docker-compose"):
        return [shutil.which("docker-compose")]
    return None


COMPOSE_COMMAND = _compose_command()


@pytest.mark.skipif(COMPOSE_COMMAND is None, reason="neither `docker compose` nor docker-compose is installed")
def test_docker_compose_accepts_the_file(tmp_path: Path) -> None:
    deploy = tmp_path / "deploy"
    (deploy / "secrets").mkdir(parents=True)
    shutil.copy(COMPOSE, deploy / "compose.yaml")
    shutil.copy(ROOT / "deploy" / "compose.env.example", deploy / "compose.env")
    shutil.copy(ROOT / "deploy" / "compose.owner.env.example", deploy / "compose.owner.env")
    for secret in ("keyring.json", "postgres_password"):
        (deploy / "secrets" / secret).write_text("")
    result = subprocess.run(  # noqa: S603 - docker compose's validation of files this test wrote
        [*COMPOSE_COMMAND, "-f", str(deploy / "compose.yaml"), "config"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={key: value for key, value in os.environ.items() if not key.startswith("CASEBOOK_")},
    )
    assert result.returncode == 0, result.stderr
    resolved = yaml.safe_load(result.stdout)["services"]
    assert "casebook_owner" in resolved["migrate"]["environment"]["CASEBOOK_DATABASE_URL"]
    assert "casebook_app" in resolved["app"]["environment"]["CASEBOOK_DATABASE_URL"]
    assert "OWNER_DB_PASSWORD" not in resolved["app"]["environment"]
