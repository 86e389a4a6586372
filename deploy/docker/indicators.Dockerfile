# syntax=docker/dockerfile:1.7
# The indicators service. Build from the repository root:
#   docker build -f deploy/docker/indicators.Dockerfile -t halfsky/indicators .
# Runs `uvicorn halfsky_indicators.main:create_app --factory` on 8103 as an unprivileged user; migrations with
#   alembic -c /app/alembic.ini upgrade head      (INDICATORS_DATABASE_URL set)
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY deploy/docker/constraints.txt ./
COPY services/common services/common
COPY services/indicators services/indicators
# halfsky-common without its `dev` extra: the embedded PostgreSQL of `make run` and the tests is not installed.
RUN python -m venv /opt/halfsky \
    && /opt/halfsky/bin/pip install -c constraints.txt ./services/common ./services/indicators

FROM ${PYTHON_IMAGE} AS runtime
LABEL org.opencontainers.image.title="halfsky-indicators" \
      org.opencontainers.image.description="HalfSky indicator monitoring (指标监测)"
RUN groupadd --system --gid 10001 halfsky \
    && useradd --system --uid 10001 --gid halfsky --home-dir /app --no-create-home --shell /usr/sbin/nologin halfsky
COPY --from=build /opt/halfsky /opt/halfsky
COPY services/indicators/alembic.ini /app/alembic.ini
COPY services/indicators/migrations /app/migrations
COPY --chmod=0755 deploy/docker/entrypoint.sh /usr/local/bin/halfsky-entrypoint
ENV PATH=/opt/halfsky/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /app
USER 10001:10001
EXPOSE 8103
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8103/health', timeout=4)"]
ENTRYPOINT ["/usr/local/bin/halfsky-entrypoint"]
CMD ["uvicorn", "halfsky_indicators.main:create_app", "--factory", "--host", "0.0.0.0", "--port", "8103", \
     "--timeout-graceful-shutdown", "20", "--timeout-keep-alive", "75"]
