"""Fixed-window counters hold in the database, so every server process sees the same count."""

from __future__ import annotations

import asyncpg

from inquiry.kernel.ratelimit_db import blocked, hit


async def test_the_attempt_after_the_limit_is_refused_with_a_wait(db: asyncpg.Connection) -> None:
    results = [await hit(db, "signin-email:a@example.org", 3, 900) for _ in range(4)]
    assert results[:3] == [None, None, None]
    assert results[3] is not None and 1 <= results[3] <= 900


async def test_blocked_reports_a_full_bucket_without_counting(db: asyncpg.Connection) -> None:
    for _ in range(2):
        assert await blocked(db, "b", 3, 60) is None
        await hit(db, "b", 3, 60)
    assert await blocked(db, "b", 3, 60) is None
    await hit(db, "b", 3, 60)
    wait = await blocked(db, "b", 3, 60)
    assert wait is not None and 1 <= wait <= 60
    assert await db.fetchval("SELECT hits FROM rate_limits WHERE bucket = 'b'") == 3


async def test_buckets_are_counted_apart(db: asyncpg.Connection) -> None:
    for _ in range(3):
        await hit(db, "one", 3, 60)
    assert await blocked(db, "one", 3, 60) is not None
    assert await blocked(db, "two", 3, 60) is None


async def test_a_window_that_ended_is_forgotten(db: asyncpg.Connection) -> None:
    await db.execute(
        "INSERT INTO rate_limits (bucket, window_start, hits) VALUES ('old', now() - interval '1 hour', 99)"
    )
    assert await hit(db, "old", 3, 60) is None
    assert await db.fetchval("SELECT count(*) FROM rate_limits WHERE bucket = 'old'") == 1
