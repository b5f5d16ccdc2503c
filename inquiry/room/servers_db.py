"""Server processes of the live room and their heartbeats (SQL only).

A connection counts for presence only while the process holding it beats. A
process that stops beating for `STALE` is dead: any process forgets its
connections (and its row) at its next sweep.
"""

from __future__ import annotations

from datetime import timedelta

from asyncpg import Connection

HEARTBEAT = 5.0                  # seconds between a process's beats
STALE = timedelta(seconds=30)    # six missed beats: a process that busy has stopped serving its sockets anyway


async def update_heartbeat(conn: Connection, server_id: str) -> None:
    """Announce this process (first call) or renew its heartbeat."""
    await conn.execute(
        """INSERT INTO room_servers (server_id) VALUES ($1)
           ON CONFLICT (server_id) DO UPDATE SET heartbeat_at = now()""",
        server_id,
    )


async def delete_dead_connections(conn: Connection, stale: timedelta = STALE) -> list[int]:
    """Forget connections of processes without a heartbeat within `stale`, and those processes.

    Returns the sessions whose presence changed. A connection whose process never
    announced itself (rows from before heartbeats existed) counts as dead too.
    """
    rows = await conn.fetch(
        """WITH gone AS (
               DELETE FROM room_connections c
                WHERE NOT EXISTS (SELECT 1 FROM room_servers r
                                   WHERE r.server_id = c.server_id AND r.heartbeat_at > now() - $1::interval)
                RETURNING session_id),
           forgotten AS (DELETE FROM room_servers WHERE heartbeat_at <= now() - $1::interval)
           SELECT DISTINCT session_id FROM gone ORDER BY session_id""",
        stale,
    )
    return [r["session_id"] for r in rows]


async def delete_server(conn: Connection, server_id: str) -> None:
    """A clean shutdown: the process's connections and its row go at once."""
    await conn.execute("DELETE FROM room_connections WHERE server_id = $1", server_id)
    await conn.execute("DELETE FROM room_servers WHERE server_id = $1", server_id)
