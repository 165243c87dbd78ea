# The bot in one image: `docker build -t meta-bot .` from the repository alone.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATA_DIR=/data \
    PORT=3000

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY commands ./commands
COPY briefings ./briefings
COPY config ./config
# The project itself, with its dependencies' lower bounds from pyproject.toml.
# hadolint ignore=DL3013
RUN pip install --no-cache-dir ".[postgres]" \
    && useradd --create-home --uid 10001 bot \
    && mkdir -p /data && chown bot:bot /data

USER 10001
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\", \"3000\")}/healthz', timeout=4)"]
STOPSIGNAL SIGTERM
CMD ["python", "-m", "bot", "run"]
