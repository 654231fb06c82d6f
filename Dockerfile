# RoleCall bot image: `docker compose up` builds it; see docker-compose.yml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Only what the package needs: a change to tests or docs does not rebuild this layer.
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY watchers ./watchers
COPY store ./store
RUN pip install . \
    && useradd --system --uid 10001 --no-create-home rolecall

USER rolecall

# Migrate, then run. `db upgrade` is a no-op when the schema is already at head.
# /healthz is served on metrics_port (9108 in the example config), inside the container.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:9108/healthz', timeout=4)"]

CMD ["sh", "-c", "rolecall db upgrade --config /config/rolecall.yaml && exec rolecall run --config /config/rolecall.yaml"]
