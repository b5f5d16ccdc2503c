"""Configuration, read once from the environment (documented in the README)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Config:
    database_url: str | None
    data_dir: Path | None
    host: str
    port: int
    public_url: str | None
    redis_url: str | None
    cookie_secure: bool
    log_format: str
    device_days: int
    trust_proxy: bool

    @classmethod
    def from_env(cls, **overrides: object) -> Config:
        env = os.environ
        values: dict[str, object] = {
            "database_url": env.get("DATABASE_URL") or None,
            "data_dir": Path(env["OXPECKER_DATA_DIR"]) if env.get("OXPECKER_DATA_DIR") else None,
            "host": env.get("OXPECKER_HOST", "127.0.0.1"),
            "port": int(env.get("OXPECKER_PORT", "8080")),
            "public_url": env.get("OXPECKER_PUBLIC_URL") or None,
            "redis_url": env.get("OXPECKER_REDIS_URL") or None,
            "cookie_secure": env.get("OXPECKER_COOKIE_SECURE", "0") == "1",
            "log_format": env.get("OXPECKER_LOG_FORMAT", "text"),
            "device_days": int(env.get("OXPECKER_DEVICE_DAYS", "30")),
            # Only behind a proxy that sets X-Forwarded-For; otherwise anyone could pick their address.
            "trust_proxy": env.get("OXPECKER_TRUST_PROXY", "0") == "1",
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]
