"""The API's route registry: one declaration validates, renders and documents an operation.

```python
@api.get("/cases/<id:case_id>", response=CaseOut, etag=True, tags=["cases"])
def get_case(case_id: int) -> CaseOut:
    return CaseOut.of(cases.load_for(api_user(), case_id))
```
The view receives the parsed ``query`` / ``body`` models (and ``if_match``) as keyword
arguments — on an operation with ids in its path, ``body`` and ``if_match`` are callables the view
calls after loading the object, so an out-of-scope id is a 404 before any 415/422/428 — calls one
service, and returns a response model (or a ``Reply`` for a status or
headers). The OpenAPI 3.1 document is generated from these declarations and the same pydantic
models, so it cannot drift from what the code accepts and returns.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, get_origin

from flask import Blueprint, Response, current_app, request
from pydantic import BaseModel, ValidationError
from pydantic.json_schema import models_json_schema
from werkzeug.routing import IntegerConverter

from casebook.api.locking import etag_for, if_match_from_request
from casebook.api.problems import PROBLEM_TYPES, ApiProblem, validation_problem
from casebook.api.schemas.common import MAX_ID, Problem
from casebook.web import ERROR_TITLES, PROBLEM_MIMETYPE

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
JSON_MEDIA_TYPES = frozenset({"application/json", "application/merge-patch+json"})
_PATH_PARAM = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


class IdConverter(IntegerConverter):
    """``<id:name>``: digits; an id outside 1..BIGINT becomes ``OUT_OF_RANGE_ID`` (no row has it).

    Werkzeug's ``int`` would hand a 30-digit number to the database driver (an overflow, a 500).
    Refusing the match instead would answer 405 on paths that serve several methods (werkzeug
    checks the method before converting), so the loader answers its usual audited 404.
    """

    def __init__(self, url_map: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(url_map)

    def to_python(self, value: str) -> int:
        if len(value) > len(str(MAX_ID)) or not 1 <= int(value) <= MAX_ID:
            return OUT_OF_RANGE_ID
        return int(value)


OUT_OF_RANGE_ID = 0


@dataclass(frozen=True)
class Reply:
    """A response model with a non-default status or extra headers (e.g. 201 + ``Location``)."""

    body: BaseModel | None = None
    status: int | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Operation:
    method: str
    rule: str
    endpoint: str
    summary: str
    description: str
    tags: tuple[str, ...]
    query: type[BaseModel] | None
    body: type[BaseModel] | None
    response: type[BaseModel] | None
    status: int
    if_match: bool
    etag: bool
    errors: frozenset[int]
    # a multipart/form-data body: the text fields as ``form``, the files named in ``files``
    form: type[BaseModel] | None = None
    files: tuple[str, ...] = ()
    produces: tuple[str, ...] = ()  # a binary response of one of these media types (a document's bytes)

    @property
    def writes(self) -> bool:
        return self.method not in SAFE_METHODS

    @property
    def path_params(self) -> list[tuple[str, str]]:
        """``(name, converter)`` pairs of the rule, in order."""
        return [(name, converter or "default") for converter, name in _PATH_PARAM.findall(self.rule)]

    def error_statuses(self) -> list[int]:
        statuses = {401, 429} | set(self.errors)
        if self.path_params:
            statuses.add(404)
        if self.writes:
            statuses.add(403)  # read-only token
        if self.query is not None:
            statuses.add(422)
        if self.body is not None or self.form is not None:
            statuses |= {400, 413, 415, 422}
        if self.if_match:
            statuses |= {412, 428}
        return sorted(statuses)


class Api:
    """Operations of one blueprint, and the OpenAPI document they generate."""

    def __init__(self, blueprint: Blueprint, *, title: str, version: str, description: str = "") -> None:
        self.blueprint = blueprint
        self.title = title
        self.version = version
        self.description = description
        self.operations: list[Operation] = []
        self.multipart_endpoints: set[str] = set()  # operations that take an upload (a larger body)
        self._document: dict[str, Any] | None = None
        blueprint.record_once(lambda state: state.app.url_map.converters.setdefault("id", IdConverter))

    # -- declaring operations --------------------------------------------------------------
    def operation(
        self,
        method: str,
        rule: str,
        *,
        response: type[BaseModel] | None = None,
        query: type[BaseModel] | None = None,
        body: type[BaseModel] | None = None,
        status: int = 200,
        summary: str | None = None,
        tags: Iterable[str] = (),
        if_match: bool = False,
        etag: bool = False,
        errors: Iterable[int] = (),
        form: type[BaseModel] | None = None,
        files: Iterable[str] = (),
        produces: Iterable[str] = (),
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
            doc = inspect.getdoc(view) or ""
            op = Operation(
                method=method.upper(),
                rule=rule,
                endpoint=view.__name__,
                summary=summary or (doc.splitlines()[0] if doc else view.__name__),
                description=doc,
                tags=tuple(tags),
                query=query,
                body=body,
                response=response,
                status=status,
                if_match=if_match,
                etag=etag,
                errors=frozenset(errors),
                form=form,
                files=tuple(files),
                produces=tuple(produces),
            )
            assert not (produces and response is not None), op.endpoint  # one kind of success body
            assert not (body is not None and form is not None), op.endpoint
            assert not (etag and response is not None and "version" not in response.model_fields), op.endpoint
            self.operations.append(op)
            if op.form is not None:
                self.multipart_endpoints.add(op.endpoint)
            self._document = None
            handler = self._handler(op, view)
            self.blueprint.add_url_rule(rule, endpoint=op.endpoint, view_func=handler, methods=[op.method])
            return view

        return decorator

    def get(self, rule: str, **options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return self.operation("GET", rule, **options)

    def post(self, rule: str, **options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return self.operation("POST", rule, **options)

    def patch(self, rule: str, **options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return self.operation("PATCH", rule, if_match=True, etag=True, **options)

    def delete(self, rule: str, **options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return self.operation("DELETE", rule, status=options.pop("status", 204), **options)

    # -- handling requests -----------------------------------------------------------------
    def _handler(self, op: Operation, view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def handle(**path_args: Any) -> Response:
            kwargs: dict[str, Any] = dict(path_args)
            if op.query is not None:
                kwargs["query"] = parse_query(op.query)
            if op.path_params:
                # On an object, the view loads it first (an out-of-scope id is an audited 404 whatever
                # the body), then reads ``body()`` and ``if_match()``.
                if op.if_match:
                    kwargs["if_match"] = if_match_from_request
                if op.body is not None:
                    kwargs["body"] = functools.partial(parse_body, op.body)
                if op.form is not None:
                    kwargs["body"] = functools.partial(parse_form, op.form, op.files)
            else:
                if op.if_match:
                    kwargs["if_match"] = if_match_from_request()
                if op.body is not None:
                    kwargs["body"] = parse_body(op.body)
                if op.form is not None:
                    kwargs["body"] = parse_form(op.form, op.files)
            return self._render(op, view(**kwargs))

        return handle

    @staticmethod
    def _render(op: Operation, result: Any) -> Response:
        if isinstance(result, Response):
            return result
        reply = result if isinstance(result, Reply) else Reply(body=result)
        status = reply.status or op.status
        if reply.body is None:
            response = current_app.response_class(status=status)
        else:
            assert op.response is not None and isinstance(reply.body, op.response), (op.endpoint, type(reply.body))
            response = current_app.response_class(
                reply.body.model_dump_json(), status=status, mimetype="application/json"
            )
            if op.etag:
                response.headers["ETag"] = etag_for(reply.body.version)  # type: ignore[attr-defined]
        response.headers.update(dict(reply.headers))
        return response

    # -- documenting -----------------------------------------------------------------------
    def openapi(self) -> dict[str, Any]:
        """The OpenAPI 3.1 document, generated once from the operations and their models."""
        if self._document is None:
            self._document = build_openapi(self)
        return self._document


def _is_list(annotation: Any) -> bool:
    return get_origin(annotation) in (list, tuple, set, frozenset)


def parse_query(model: type[BaseModel]) -> BaseModel:
    """The query string as ``model``; empty values of known parameters count as absent; repeated keys only
    for list fields (a scalar given twice is handed on as a list, so it is refused, never half-read).

    :raises ApiProblem: 422 with per-parameter errors (unknown parameters included).
    """
    data: dict[str, Any] = {}
    for key in request.args:
        field_info = model.model_fields.get(key)
        if field_info is None:  # unknown, even when empty: refused by ``extra="forbid"``
            data[key] = request.args.get(key)
            continue
        values = [value for value in request.args.getlist(key) if value != ""]
        if not values:
            continue
        data[key] = values if _is_list(field_info.annotation) or len(values) > 1 else values[0]
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_problem(exc, "query") from None


def parse_body(model: type[BaseModel]) -> BaseModel:
    """The JSON body as ``model``.

    :raises ApiProblem: 415 not JSON, 400 malformed JSON, 422 invalid (413 comes from werkzeug).
    """
    if request.mimetype not in JSON_MEDIA_TYPES:
        raise ApiProblem(415, "unsupported-media-type")
    raw = request.get_data(cache=True)
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        if any(error["type"] == "json_invalid" for error in exc.errors(include_url=False)):
            raise ApiProblem(400, "malformed-json", detail="De body is geen geldige JSON (UTF-8).") from None
        raise validation_problem(exc, "body") from None


@dataclass(frozen=True)
class FormBody:
    """A parsed multipart body: the text fields, validated, and the uploaded files by field name."""

    fields: BaseModel
    files: Mapping[str, Any]  # werkzeug ``FileStorage``


def parse_form(model: type[BaseModel], file_fields: tuple[str, ...]) -> FormBody:
    """A ``multipart/form-data`` body: its text fields as ``model`` and the files ``file_fields``.

    The files are read by the service as streams (through the upload spool), never whole here.

    :raises ApiProblem: 415 not multipart, 422 invalid fields or a missing file (413 comes from werkzeug).
    """
    if request.mimetype != "multipart/form-data":
        raise ApiProblem(415, "unsupported-media-type", detail="Stuur multipart/form-data.")
    data: dict[str, Any] = {}
    for key in request.form:
        if key in file_fields:
            data[key] = request.form[key]  # a text where a file belongs: refused below
            continue
        value = request.form.get(key)
        if value != "":
            data[key] = value
    files: dict[str, Any] = {}
    missing: list[dict[str, Any]] = []
    for name in file_fields:
        storage = request.files.get(name)
        if storage is None:
            missing.append({"location": "body", "field": name, "message": "Field required", "code": "missing"})
        else:
            files[name] = storage
        data.pop(name, None)
    try:
        fields = model.model_validate(data)
    except ValidationError as exc:
        problem = validation_problem(exc, "body")
        problem.errors = [*(problem.errors or []), *missing]
        raise problem from None
    if missing:
        raise ApiProblem(422, "validation-error", errors=missing)
    return FormBody(fields=fields, files=files)


_STATUS_DESCRIPTIONS = {200: "OK", 201: "Created", 204: "No content"}
_ERROR_HEADERS = {
    401: {"WWW-Authenticate": {"$ref": "#/components/headers/WWW-Authenticate"}},
    412: {"ETag": {"$ref": "#/components/headers/ETag"}},
    429: {"Retry-After": {"$ref": "#/components/headers/Retry-After"}},
}


def _path_schema(converter: str) -> dict[str, Any]:
    if converter == "id":
        return {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    if converter == "int":
        return {"type": "integer", "minimum": 0}
    return {"type": "string"}


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    """A query parameter is absent or text, never JSON null: drop pydantic's ``null`` alternative."""
    options = [option for option in schema.get("anyOf", []) if option != {"type": "null"}]
    if len(options) != 1:
        return schema
    merged = {k: v for k, v in schema.items() if k not in ("anyOf", "default")}
    return {**options[0], **merged}


def _openapi_path(prefix: str, rule: str) -> str:
    return prefix + _PATH_PARAM.sub(lambda m: "{" + m.group(2) + "}", rule)


def _form_schema(schemas: dict[str, Any], ref: dict[str, Any], file_fields: tuple[str, ...]) -> dict[str, Any]:
    """The multipart body: the form model's fields (inlined: a part is text) plus the binary files."""
    component = schemas[ref["$ref"].rsplit("/", 1)[1]]
    properties = {name: _without_null(schema) for name, schema in component.get("properties", {}).items()}
    for name in file_fields:
        properties[name] = {"type": "string", "format": "binary", "description": "The file's bytes."}
    schema = {key: value for key, value in component.items() if key not in ("properties", "required", "title")}
    return {
        **schema,
        "type": "object",
        "properties": properties,
        "required": [*component.get("required", []), *file_fields],
    }


def build_openapi(api: Api) -> dict[str, Any]:
    wanted: list[tuple[type[BaseModel], str]] = [(Problem, "serialization")]
    for op in api.operations:
        wanted += [(m, "validation") for m in (op.query, op.body, op.form) if m is not None]
        if op.response is not None:
            wanted.append((op.response, "serialization"))
    wanted = list(dict.fromkeys(wanted))
    refs, top = models_json_schema(wanted, ref_template="#/components/schemas/{model}")  # type: ignore[arg-type]
    schemas: dict[str, Any] = top.get("$defs", {})
    problem_ref = refs[(Problem, "serialization")]

    paths: dict[str, dict[str, Any]] = {}
    prefix = (api.blueprint.url_prefix or "").rstrip("/")
    for op in api.operations:
        parameters = [
            {"name": name, "in": "path", "required": True, "schema": _path_schema(converter)}
            for name, converter in op.path_params
        ]
        if op.query is not None:
            component = schemas[refs[(op.query, "validation")]["$ref"].rsplit("/", 1)[1]]
            required = set(component.get("required", []))
            for name, schema in component.get("properties", {}).items():
                schema = _without_null(schema)
                parameter = {"name": name, "in": "query", "required": name in required, "schema": schema}
                if name not in required:
                    parameter["allowEmptyValue"] = True  # ``parse_query``: an empty value counts as absent
                if "description" in schema:
                    parameter["description"] = schema["description"]
                parameters.append(parameter)
        if op.if_match:
            parameters.append(
                {
                    "name": "If-Match",
                    "in": "header",
                    "required": True,
                    "description": 'The ETag of the version being changed, e.g. `"7"`.',
                    "schema": {"type": "string", "pattern": r'^(\*|"\d{1,19}")$'},
                }
            )
        success: dict[str, Any] = {"description": _STATUS_DESCRIPTIONS.get(op.status, "OK")}
        if op.response is not None:
            success["content"] = {"application/json": {"schema": refs[(op.response, "serialization")]}}
        if op.produces:
            success["content"] = {kind: {"schema": {"type": "string", "format": "binary"}} for kind in op.produces}
        headers: dict[str, Any] = {}
        if op.etag:
            headers["ETag"] = {"$ref": "#/components/headers/ETag"}
        if op.status == 201:
            headers["Location"] = {"$ref": "#/components/headers/Location"}
        if headers:
            success["headers"] = headers
        responses: dict[str, Any] = {str(op.status): success}
        for status in op.error_statuses():
            responses[str(status)] = {"$ref": f"#/components/responses/Problem{status}"}
        operation: dict[str, Any] = {
            "operationId": op.endpoint,
            "summary": op.summary,
            "description": op.description,
            "tags": list(op.tags),
            "parameters": parameters,
            "responses": responses,
        }
        if op.body is not None:
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": refs[(op.body, "validation")]}},
            }
        if op.form is not None:
            operation["requestBody"] = {
                "required": True,
                "content": {
                    "multipart/form-data": {"schema": _form_schema(schemas, refs[(op.form, "validation")], op.files)}
                },
            }
        paths.setdefault(_openapi_path(prefix, op.rule), {})[op.method.lower()] = operation

    used_errors = sorted({status for op in api.operations for status in op.error_statuses()})
    problem_types = "\n".join(f"- `urn:casebook:problem:{slug}`: {text}" for slug, text in PROBLEM_TYPES.items())
    return {
        "openapi": "3.1.0",
        "info": {
            "title": api.title,
            "version": api.version,
            "description": api.description + "\n\nProblem types:\n\n" + problem_types,
        },
        "security": [{"bearerAuth": []}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal API token (`casebook token create` or the page “Mijn API-tokens”).",
                }
            },
            "headers": {
                "ETag": {"description": "Version of the resource.", "required": True, "schema": {"type": "string"}},
                "Location": {"description": "URL of the new resource.", "required": True, "schema": {"type": "string"}},
                "Retry-After": {
                    "description": "Seconds to wait before the next request.",
                    "required": True,
                    "schema": {"type": "string", "pattern": r"^\d+$"},
                },
                "WWW-Authenticate": {
                    "description": "Bearer challenge.",
                    "required": True,
                    "schema": {"type": "string"},
                },
            },
            "responses": {
                f"Problem{status}": {
                    "description": ERROR_TITLES.get(status, str(status)),
                    "content": {PROBLEM_MIMETYPE: {"schema": problem_ref}},
                    **({"headers": _ERROR_HEADERS[status]} if status in _ERROR_HEADERS else {}),
                }
                for status in used_errors
            },
        },
    }
