"""deploy/nginx/casebook.conf agrees with the app and gunicorn; when nginx is installed, it is checked
by ``nginx -t`` and run in front of gunicorn (with the stand-in app) to prove what it forwards and logs.
"""

from __future__ import annotations

import http.client
import json
import re
import runpy
import shutil
import ssl
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask

from tests.deploy.servers import ROOT, free_port, start_gunicorn, stop, wait_for_port

CONF = ROOT / "deploy" / "nginx" / "casebook.conf"
NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)
needs_nginx = pytest.mark.skipif(NGINX is None, reason="nginx is not installed (apt-get install nginx-light)")


def directives(name: str) -> list[str]:
    text = re.sub(r"#.*", "", CONF.read_text())
    return [match.strip() for match in re.findall(rf'^\s*{name}\s+((?:"[^"]*"|[^;"])+);', text, flags=re.MULTILINE)]


def size_in_bytes(value: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([kKmMgG]?)", value).groups()
    return int(number) * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit.lower()]


def seconds(value: str) -> int:
    return int(value.removesuffix("s"))


def test_the_upload_limit_is_the_apps(app: Flask) -> None:
    (limit,) = directives("client_max_body_size")
    assert size_in_bytes(limit) == app.config["MAX_CONTENT_LENGTH"]
    (buffer,) = directives("client_body_buffer_size")
    assert size_in_bytes(buffer) >= size_in_bytes(limit)  # never a plaintext temporary file


def test_nginx_waits_longer_than_gunicorn() -> None:
    gunicorn = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    (read_timeout,) = directives("proxy_read_timeout")
    assert seconds(read_timeout) > gunicorn["timeout"]


def test_one_trusted_hop_as_the_example_settings_say() -> None:
    forwarded_for = [value for value in directives("proxy_set_header") if value.startswith("X-Forwarded-For")]
    assert forwarded_for and all(value.split()[1] == "$remote_addr" for value in forwarded_for)
    example = (ROOT / "config" / "production.example.env").read_text()
    assert re.search(r"^CASEBOOK_TRUSTED_PROXIES=1$", example, flags=re.MULTILINE)


def test_hsts_is_the_apps_and_logs_hold_no_query_string() -> None:
    from casebook.security import HSTS

    assert f'Strict-Transport-Security "{HSTS}" always' in directives("add_header")
    text = re.sub(r"#.*", "", CONF.read_text())
    log_format = text[text.index("log_format") : text.index(";", text.index("log_format"))]
    for variable in ("$request ", "$request_uri", "$args", "$query_string", "$http_referer", '$request"'):
        assert variable not in log_format
    assert all(value.endswith(" casebook_path_only") for value in directives("access_log"))


def _certificate(directory: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "casebook.example.nl")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "fullchain.pem", directory / "privkey.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def _wrapped(tmp_path: Path, http_port: int, https_port: int, upstream_port: int) -> Path:
    """The site file with test ports, certificate and log paths, inside a minimal nginx.conf."""
    cert, key = _certificate(tmp_path)
    site = CONF.read_text()
    replacements = {
        "listen [::]:80;": "",
        "listen [::]:443 ssl http2;": "",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "/etc/ssl/casebook/fullchain.pem": str(cert),
        "/etc/ssl/casebook/privkey.pem": str(key),
        "/var/log/nginx/": f"{tmp_path}/",
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{upstream_port};",
    }
    for old, new in replacements.items():
        assert old in site, old
        site = site.replace(old, new)
    (tmp_path / "casebook.conf").write_text(site)
    temp = {name: tmp_path / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for directory in temp.values():
        directory.mkdir()
    main = tmp_path / "nginx.conf"
    main.write_text(
        f"daemon off;\npid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/nginx-error.log;\nevents {{}}\nhttp {{\n"
        + "".join(f"    {name}_temp_path {path};\n" for name, path in temp.items() if name != "body")
        + f"    client_body_temp_path {temp['body']};\n    include {tmp_path}/casebook.conf;\n}}\n"
    )
    return main


@needs_nginx
def test_nginx_accepts_the_configuration(tmp_path: Path) -> None:
    main = _wrapped(tmp_path, free_port(), free_port(), free_port())
    result = subprocess.run(  # noqa: S603 - nginx's own check of files this test wrote
        [NGINX, "-t", "-q", "-p", str(tmp_path), "-c", str(main)], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr


def _request(port: int, method: str, path: str, headers: dict[str, str], body: bytes | None = None, tls: bool = True):
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        connection = http.client.HTTPSConnection("127.0.0.1", port, timeout=10, context=context)
    else:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request(method, path, body=body, headers={"Host": "casebook.example.nl", **headers})
    response = connection.getresponse()
    payload = response.read()
    connection.close()
    return response, payload


@needs_nginx
def test_nginx_in_front_of_gunicorn(tmp_path: Path, app: Flask) -> None:
    from casebook.security import HSTS

    upstream, upstream_port = start_gunicorn(tmp_path, CASEBOOK_TRUSTED_PROXIES="1")
    http_port, https_port = free_port(), free_port()
    main = _wrapped(tmp_path, http_port, https_port, upstream_port)
    nginx = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(main)])  # noqa: S603 - our test server
    try:
        wait_for_port(https_port, nginx, tmp_path / "nginx-error.log")
        response, _ = _request(http_port, "GET", "/cases/5?q=Jansen", {}, tls=False)
        assert response.status == 301
        assert response.getheader("Location") == "https://casebook.example.nl/cases/5"

        forged = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "http"}
        response, body = _request(https_port, "GET", "/persons?name=Jansen&bsn=999990019", forged)
        assert response.status == 200
        seen = json.loads(body)
        assert seen["x_forwarded_for"] == "127.0.0.1"  # the peer nginx saw, never what the client claimed
        assert seen["x_forwarded_proto"] == "https" and seen["scheme"] == "https"
        assert seen["x_forwarded_host"] is None
        assert seen["query"] == "name=Jansen&bsn=999990019"  # the app still gets its query
        assert re.fullmatch(r"[0-9a-f]{32}", seen["x_request_id"])
        assert response.headers.get_all("Strict-Transport-Security") == [HSTS]

        response, _ = _request(https_port, "GET", "/metrics", {})
        assert response.status == 404
        too_large = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
        response, _ = _request(https_port, "POST", "/documents", {"Content-Type": "text/plain"}, body=too_large)
        assert response.status == 413

        stop(upstream)  # every worker gone: what a client in flight gets is the app's outage answer
        response, body = _request(https_port, "GET", "/cases", {})
        assert response.status == 503 and response.getheader("Retry-After") == "5"
        assert "niets opgeslagen" in body.decode() and response.headers.get_all("Strict-Transport-Security") == [HSTS]
        response, body = _request(https_port, "GET", "/api/v1/cases", {})
        assert response.status == 503 and json.loads(body)["status"] == 503
        assert response.getheader("Content-Type") == "application/problem+json"
    finally:
        stop(nginx)
        stop(upstream)
    log = (tmp_path / "casebook.access.log").read_text()
    assert '"GET /persons HTTP/1.1" 200' in log and '"GET /cases/5 HTTP/1.1" 301' in log
    assert "Jansen" not in log and "999990019" not in log and "?" not in log
    gunicorn_log = (tmp_path / "gunicorn-access.log").read_text()
    assert "/persons" in gunicorn_log and "Jansen" not in gunicorn_log
