"""Where the database is: `DATABASE_URL`, or the embedded PostgreSQL in the data folder."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from web.config import Config
from web.ops.embedded import EmbeddedPostgres, default_data_dir
from web.ops.pgtools import client_tool

EMBEDDED_DATABASE = "oxpecker"


@dataclass(frozen=True, slots=True)
class Database:
    url: str
    embedded: EmbeddedPostgres | None

    def tool(self, name: str) -> str:
        """A PostgreSQL client program (pg_dump, pg_restore, psql) that matches the embedded server."""
        return client_tool(name)


@contextmanager
def open_database(config: Config, say: bool = True) -> Iterator[Database]:
    """Yield the database to use; an embedded server started here is stopped on exit."""
    if config.database_url:
        yield Database(config.database_url, None)
        return
    data_dir = config.data_dir or default_data_dir()
    if say:
        print(f"Embedded PostgreSQL data folder: {data_dir}", file=sys.stderr, flush=True)
    server = EmbeddedPostgres.start(Path(data_dir))
    try:
        if server.reused_orphan and say:
            print("Found a PostgreSQL left running by an earlier run that was killed; reusing it.",
                  file=sys.stderr, flush=True)
        yield Database(server.ensure_database(EMBEDDED_DATABASE), server)
    finally:
        server.stop()
