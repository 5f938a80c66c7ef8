# readinglist-bot: one process, the SQLite database on a volume.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
# Dependencies first (from pyproject.toml), so code changes reuse this layer.
COPY pyproject.toml README.md ./
RUN mkdir bot && touch bot/__init__.py && pip install . && pip uninstall -y readinglist-bot
COPY bot ./bot
COPY data ./data
# Editable, so the package finds its data/ folder (the curated tables, the default list).
RUN pip install --no-deps -e . \
    && useradd --create-home --uid 10001 readinglist \
    && mkdir -p /var/lib/readinglist \
    && chown readinglist /var/lib/readinglist

USER readinglist
ENV READINGLIST_DB=/var/lib/readinglist/readinglist.db
VOLUME ["/var/lib/readinglist"]

# Healthy while the database is readable and the gateway heartbeat is recent.
HEALTHCHECK --interval=60s --timeout=10s --start-period=60s --retries=3 \
    CMD ["readinglist-bot", "health"]

STOPSIGNAL SIGTERM
CMD ["readinglist-bot", "run"]
