"""The README's API examples run as written: the block between ``<!-- api-examples: begin -->`` and
``<!-- api-examples: end -->`` is executed against the demo data, through the test client.

The block is plain shell with a small vocabulary, and this test is its interpreter: ``NAME=value``,
``NAME=$(…)``, ``curl`` (``-s``, ``-H``, ``-d``, ``-X``), ``casebook …`` (the CLI, through Flask's
runner), ``| jq -r PATH`` (a path like ``.items[0].id``) and ``| tail -n 1``. A line it does not
understand fails the test, so an example cannot quietly stop being checked; every ``curl`` must
answer 2xx.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from casebook.cli import cli
from casebook.demo.seed import seed

README = Path(__file__).resolve().parents[2] / "README.md"
BLOCK = re.compile(r"<!-- api-examples: begin -->\s*```sh\n(.*?)```\s*<!-- api-examples: end -->", re.DOTALL)
ORIGIN = "http://127.0.0.1:5000"


@dataclass
class Call:
    method: str
    path: str
    status: int
    body: str


def readme_commands() -> list[str]:
    """The block's commands: comment lines dropped, ``\\``-continued and quoted newlines joined."""
    match = BLOCK.search(README.read_text(encoding="utf-8"))
    assert match, "README.md has no api-examples block"
    commands, current, quote = [], "", None
    text = "".join(line for line in match.group(1).splitlines(keepends=True) if not line.lstrip().startswith("#"))
    i = 0
    while i < len(text):
        char = text[i]
        if quote is None and char == "\\" and text[i + 1 : i + 2] == "\n":
            current += " "
            i += 2
            continue
        if char == "\\" and quote == '"':
            current += text[i : i + 2]
            i += 2
            continue
        if char in "'\"" and quote in (None, char):
            quote = None if quote else char
        if char == "\n" and quote is None:
            commands.append(current)
            current = ""
        else:
            current += char
        i += 1
    commands.append(current)
    return [c.strip() for c in commands if c.strip()]


def expand(command: str, env: dict[str, str]) -> str:
    """``$NAME`` and ``${NAME}`` outside single quotes, as the shell does."""
    out, quote, i = "", None, 0
    while i < len(command):
        char = command[i]
        if char == "'" and quote != '"':
            quote = None if quote == "'" else "'"
        elif char == '"' and quote != "'":
            quote = None if quote == '"' else '"'
        elif char == "$" and quote != "'" and not command.startswith("$(", i):
            name = re.match(r"\{(\w+)\}|(\w+)", command[i + 1 :])
            if name:
                key = name.group(1) or name.group(2)
                assert key in env, f"${key} is used before it is set"
                out += env[key]
                i += 1 + len(name.group(0))
                continue
        out += char
        i += 1
    return out


def jq(document: str, args: list[str]) -> str:
    assert args[0] == "-r" and len(args) == 2, f"jq {args}: only jq -r PATH is supported"
    value = json.loads(document)
    for key, index in re.findall(r"\.(\w+)|\[(\d+)\]", args[1]):
        value = value[key] if key else value[int(index)]
    return value if isinstance(value, str) else json.dumps(value)


class Shell:
    def __init__(self, app, client) -> None:
        self.app, self.client = app, client
        self.env: dict[str, str] = {}
        self.calls: list[Call] = []

    def run(self, command: str) -> None:
        assignment = re.fullmatch(r"(\w+)=\$\((.*)\)", command, re.DOTALL)
        if assignment:
            self.env[assignment.group(1)] = self.pipeline(assignment.group(2)).strip()
        elif re.fullmatch(r"\w+=\S+", command):
            name, value = command.split("=", 1)
            self.env[name] = shlex.split(expand(value, self.env))[0]
        else:
            self.pipeline(command)

    def pipeline(self, command: str) -> str:
        words = shlex.split(expand(command, self.env), comments=True)
        stages, stage = [], []
        for word in words:
            if word == "|":
                stages.append(stage)
                stage = []
            else:
                stage.append(word)
        stages.append(stage)
        output = self.program(stages[0])
        for program, *args in stages[1:]:
            if program == "jq":
                output = jq(output, args)
            elif program == "tail" and args == ["-n", "1"]:
                output = output.strip().splitlines()[-1]
            else:
                raise AssertionError(f"unsupported program in a pipeline: {program}")
        return output

    def program(self, words: list[str]) -> str:
        if words[0] == "curl":
            return self.curl(words[1:])
        if words[0] == "casebook":
            result = self.app.test_cli_runner().invoke(cli, words[1:])
            assert result.exit_code == 0, result.output
            return result.output
        raise AssertionError(f"unsupported command: {words[0]}")

    def curl(self, args: list[str]) -> str:
        headers, data, method, url = {}, None, None, None
        it = iter(args)
        for arg in it:
            if arg == "-s":
                continue
            if arg == "-H":
                name, value = next(it).split(":", 1)
                headers[name.strip()] = value.strip()
            elif arg == "-d":
                data = next(it)
            elif arg == "-X":
                method = next(it)
            elif arg.startswith(ORIGIN):
                url = arg
            else:
                raise AssertionError(f"unsupported curl option: {arg}")
        assert url, "curl without a URL"
        method = method or ("POST" if data is not None else "GET")
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        response = self.client.open(path, method=method, headers=headers, data=data)
        body = response.get_data(as_text=True)
        self.calls.append(Call(method, parts.path, response.status_code, body))
        assert 200 <= response.status_code < 300, f"{method} {path}: {response.status_code} {body}"
        return body


@pytest.fixture
def demo(app):
    seed("demo-password-for-tests")


def test_the_readme_api_examples_run_against_the_demo(app, client, demo):
    shell = Shell(app, client)
    for command in readme_commands():
        shell.run(command)
    done = {(call.method, re.sub(r"/\d+", "/{id}", call.path)) for call in shell.calls}
    assert {
        ("GET", "/api/v1/me"),
        ("GET", "/api/v1/cases"),
        ("POST", "/api/v1/cases"),
        ("GET", "/api/v1/cases/{id}"),
        ("POST", "/api/v1/cases/{id}/handoffs"),
        ("GET", "/api/v1/handoffs"),
        ("POST", "/api/v1/handoffs/{id}/accept"),
    } <= done
    accepted = next(c for c in shell.calls if c.path.endswith("/accept"))
    assert json.loads(accepted.body)["status"] == "accepted"
    listed = json.loads(next(c for c in shell.calls if c.method == "GET" and c.path == "/api/v1/cases").body)
    assert listed["items"], "the demo has youth cases in Wielwijk for the list example to show"
    case = json.loads(shell.calls[-1].body)
    assert case["lead_organisation"] == "wijkteam-west"  # the last example reads the case after the transfer


def test_the_interpreter_refuses_what_it_does_not_know(app, client):
    shell = Shell(app, client)
    with pytest.raises(AssertionError, match="unsupported"):
        shell.run("wget http://127.0.0.1:5000/api/v1/me")
    with pytest.raises(AssertionError, match="used before it is set"):
        shell.run('curl -s -H "Authorization: Bearer $NOPE" http://127.0.0.1:5000/api/v1/me')
