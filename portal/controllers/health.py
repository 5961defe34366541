from __future__ import annotations

from litestar import get
from litestar.response import Response
from litestar.status_codes import HTTP_503_SERVICE_UNAVAILABLE

from vacancies.tables import Vacancy


@get("/health", operation_id="health", tags=["meta"])
async def health() -> Response[dict[str, str]]:
    """Liveness and database reachability."""
    try:
        await Vacancy.raw("SELECT 1")
    except Exception as exc:  # reported, not raised: a health check must answer
        return Response(
            {"status": "error", "database": f"unreachable: {type(exc).__name__}"},
            status_code=HTTP_503_SERVICE_UNAVAILABLE,
        )
    return Response({"status": "ok", "database": "ok"})
