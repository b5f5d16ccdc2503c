"""Fixed-window counters in the `rate_limits` table, shared by every server process (SQL only).

A bucket names what is limited (`signin-email:ana@example.org`,
`signin-addr:203.0.113.7`, `code-guess:...`). Windows start at multiples of
`window_seconds` since the epoch, so every process agrees on the window without
talking to the others. A fixed window lets through at most 2 x limit across a
window boundary; that is enough to make guessing hopeless and costs one row per
bucket and window.
"""

from __future__ import annotations

from asyncpg import Connection


async def hit(conn: Connection, bucket: str, limit: int, window_seconds: int) -> int | None:
    """Count one attempt. Over `limit` in this window: the seconds until it ends, else None.

    Call it in a transaction that commits even when the attempt fails (a
    rolled-back hit does not count).
    """
    row = await conn.fetchrow(
        """WITH w AS (
               SELECT to_timestamp(floor(extract(epoch FROM now()) / $2::int) * $2::int) AS start
           )
           INSERT INTO rate_limits (bucket, window_start, hits)
           SELECT $1, w.start, 1 FROM w
           ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limits.hits + 1
           RETURNING hits,
                     ceil(extract(epoch FROM window_start + make_interval(secs => $2::int) - now()))::int
                         AS retry_after""",
        bucket, window_seconds,
    )
    # Windows before this one can never block again; drop them so the table stays small.
    await conn.execute(
        """DELETE FROM rate_limits
            WHERE bucket = $1
              AND window_start < to_timestamp(floor(extract(epoch FROM now()) / $2::int) * $2::int)""",
        bucket, window_seconds,
    )
    if row is None or row["hits"] <= limit:
        return None
    return max(1, int(row["retry_after"]))


async def blocked(conn: Connection, bucket: str, limit: int, window_seconds: int) -> int | None:
    """Without counting: the seconds until the window ends if `limit` is already reached, else None."""
    row = await conn.fetchrow(
        """SELECT hits,
                  ceil(extract(epoch FROM window_start + make_interval(secs => $2::int) - now()))::int
                      AS retry_after
             FROM rate_limits
            WHERE bucket = $1
              AND window_start = to_timestamp(floor(extract(epoch FROM now()) / $2::int) * $2::int)""",
        bucket, window_seconds,
    )
    if row is None or row["hits"] < limit:
        return None
    return max(1, int(row["retry_after"]))
