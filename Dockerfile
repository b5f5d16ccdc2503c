# Oxpecker behind an external PostgreSQL (DATABASE_URL); see compose.yaml.
# Same install as the README: `pip install .`. Without DATABASE_URL the container
# would start the embedded PostgreSQL in its own home folder, which a container loses.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# tzdata: session times are typed and shown in each inquiry's IANA time zone.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tzdata \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY inquiry ./inquiry
COPY budget ./budget
COPY web ./web
COPY sql ./sql
RUN pip install . \
 && useradd --system --create-home --home-dir /home/oxpecker --shell /usr/sbin/nologin oxpecker

USER oxpecker
ENV OXPECKER_HOST=0.0.0.0 \
    OXPECKER_PORT=8080
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4)"]
CMD ["oxpecker", "serve", "--host", "0.0.0.0"]
