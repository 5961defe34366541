"""Piccolo configuration: the engine comes from ``PORTAL_DATABASE_URL``."""

from piccolo.conf.apps import AppRegistry
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine

from portal.settings import get_settings


def _engine() -> PostgresEngine | SQLiteEngine:
    settings = get_settings()
    if settings.engine == "sqlite":
        path = settings.sqlite_path
        path.parent.mkdir(parents=True, exist_ok=True)
        # One writer at a time: a generous busy timeout instead of "database is locked".
        return SQLiteEngine(path=str(path), timeout=30)
    return PostgresEngine(config={"dsn": settings.database_url})


DB = _engine()

APP_REGISTRY = AppRegistry(apps=["vacancies.piccolo_app", "candidates.piccolo_app"])
