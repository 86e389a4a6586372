# syntax=docker/dockerfile:1.7
# The rights-case service. Build from the repository root:
#   docker build -f deploy/docker/cases.Dockerfile -t halfsky/cases .
# Runs `uvicorn halfsky_cases.main:create_app --factory` on 8101 as an unprivileged user; migrations with
#   alembic -c /app/alembic.ini upgrade head      (CASES_DATABASE_URL set)
# Attachments live in CASES_DATA_DIR (/var/lib/halfsky/cases): mount a persistent volume there, shared by replicas.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY deploy/docker/constraints.txt ./
COPY services/common services/common
COPY services/cases services/cases
# halfsky-common without its `dev` extra: the embedded PostgreSQL of `make run` and the tests is not installed.
RUN python -m venv /opt/halfsky \
    && /opt/halfsky/bin/pip install -c constraints.txt ./services/common ./services/cases

FROM ${PYTHON_IMAGE} AS runtime
LABEL org.opencontainers.image.title="halfsky-cases" \
      org.opencontainers.image.description="HalfSky rights cases (维权案件)"
RUN groupadd --system --gid 10001 halfsky \
    && useradd --system --uid 10001 --gid halfsky --home-dir /app --no-create-home --shell /usr/sbin/nologin halfsky \
    && mkdir -p /var/lib/halfsky/cases \
    && chown halfsky:halfsky /var/lib/halfsky/cases
COPY --from=build /opt/halfsky /opt/halfsky
COPY services/cases/alembic.ini /app/alembic.ini
COPY services/cases/migrations /app/migrations
COPY --chmod=0755 deploy/docker/entrypoint.sh /usr/local/bin/halfsky-entrypoint
ENV PATH=/opt/halfsky/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    CASES_DATA_DIR=/var/lib/halfsky/cases
WORKDIR /app
USER 10001:10001
EXPOSE 8101
VOLUME ["/var/lib/halfsky/cases"]
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8101/health', timeout=4)"]
ENTRYPOINT ["/usr/local/bin/halfsky-entrypoint"]
CMD ["uvicorn", "halfsky_cases.main:create_app", "--factory", "--host", "0.0.0.0", "--port", "8101", \
     "--timeout-graceful-shutdown", "20", "--timeout-keep-alive", "75"]
