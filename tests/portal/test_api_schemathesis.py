"""Schemathesis over the API's own OpenAPI schema: generated requests, valid and invalid,
to every operation; no answer may be a server error or differ from the schema.

The app runs on the test's event loop through httpx's ASGI transport (where the database
pool lives, as in every portal test). Hypothesis drives the examples from a worker thread
and hands each request to that loop, so no server and no second pool are needed.
Bounded and repeatable: a fixed number of examples per operation and mode, derandomized
(the same examples on every run), no example database.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from portal.app import create_app
from tests.portal.recorded_site import harvest_recorded_sources, portal_client

EXAMPLES = 25
BASE_URL = "http://portal.test"
REQUEST_SECONDS = 30
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}


def _cases() -> list[tuple[str, str, GenerationMode]]:
    """Every operation with valid input; those with parameters or a body also with
    invalid input."""
    schema = create_app(manage_database=False).openapi_schema.to_schema()
    cases = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                cases.append((method.upper(), path, GenerationMode.POSITIVE))
                if operation.get("parameters") or operation.get("requestBody"):
                    cases.append((method.upper(), path, GenerationMode.NEGATIVE))
    return cases


CASES = _cases()
OPERATIONS = sorted({(method, path) for method, path, _ in CASES})


@pytest.fixture(scope="module")
async def api(database):
    from vacancies.tables import HarvestRun, Source, SourceLock, Vacancy

    for table in (Vacancy, HarvestRun, SourceLock, Source):
        await table.delete(force=True)
    await harvest_recorded_sources()
    async with portal_client() as client:
        yield client


def test_every_operation_is_covered():
    assert set(OPERATIONS) >= {
        ("GET", "/health"),
        ("GET", "/api/vacancies"),
        ("GET", "/api/vacancies/{vacancy_id}"),
        ("GET", "/api/sources"),
        ("GET", "/api/sources/{source_id}/runs"),
    }


@pytest.fixture(scope="module")
async def signed_in_api(database):
    """A client signed in as a user holding every role, sending the CSRF header with
    every request as the portal's pages do: the guarded operations answer for real."""
    from candidates import accounts
    from candidates.tables import Role
    from tests.conftest import _clear_accounts
    from tests.mail_server import mail_server
    from tests.portal.account_site import PASSWORD, account_client, page, submit

    await _clear_accounts()
    email = "fuzz-every-role@example.no"
    await accounts.create_user(email, list(Role), password=PASSWORD)
    try:
        with mail_server() as (_, port):
            async with account_client(port, base_url=BASE_URL) as client:
                answer = await submit(client, "/account/log-in", email=email, password=PASSWORD)
                assert answer.status_code == 303
                shown = page(await client.get("/account"))
                token = shown.css_first("meta[name='csrf-token']").attributes["content"]
                client.headers["X-CSRFToken"] = token
                yield client
    finally:
        await _clear_accounts()


GUARDED = [
    case
    for case in CASES
    if case[1].startswith(("/api/me", "/api/admin", "/api/staff", "/api/statistics"))
]


@pytest.mark.parametrize(
    ("method", "path", "mode"), CASES, ids=[f"{m} {p} {mode.value}" for m, p, mode in CASES]
)
async def test_operation_conforms_to_its_schema(api: httpx.AsyncClient, method, path, mode):
    await _fuzz(api, method, path, mode)


@pytest.mark.parametrize(
    ("method", "path", "mode"), GUARDED, ids=[f"{m} {p} {mode.value}" for m, p, mode in GUARDED]
)
async def test_guarded_operation_conforms_when_signed_in(
    signed_in_api: httpx.AsyncClient, method, path, mode
):
    await _fuzz(signed_in_api, method, path, mode)
    # The fuzzing never signs the user out, erases or disables them.
    assert (await signed_in_api.get("/api/me")).status_code == 200


def test_every_guarded_area_is_fuzzed_signed_in():
    assert {path.split("/")[2] for _, path, _ in GUARDED} == {"me", "admin", "staff", "statistics"}


async def _fuzz(api: httpx.AsyncClient, method: str, path: str, mode: GenerationMode) -> None:
    schema = schemathesis.openapi.from_dict((await api.get("/schema/openapi.json")).json())
    operation = schema[path][method]
    loop = asyncio.get_running_loop()
    checks = [*CHECKS, negative_data_rejection] if mode is GenerationMode.NEGATIVE else CHECKS

    def send(case) -> httpx.Response:
        kwargs = case.as_transport_kwargs(base_url=BASE_URL)
        assert not kwargs.get("cookies"), "the API takes no cookies"
        request = api.request(
            kwargs["method"],
            kwargs["url"],
            params=kwargs.get("params"),
            headers=kwargs.get("headers"),
            json=kwargs.get("json"),
            content=kwargs.get("data") or kwargs.get("content"),
        )
        return asyncio.run_coroutine_threadsafe(request, loop).result(REQUEST_SECONDS)

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    def conforms(case) -> None:
        case.validate_response(send(case), checks=checks)

    await asyncio.to_thread(conforms)
