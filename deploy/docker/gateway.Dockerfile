# syntax=docker/dockerfile:1.7
# The gateway (sign-in, users, org units, partner clients, the proxy) with the built SPA inside. Build from the
# repository root:
#   docker build -f deploy/docker/gateway.Dockerfile -t halfsky/gateway .
# Runs `uvicorn halfsky_gateway.main:create_app --factory` on 8000 as an unprivileged user, serving the SPA from
# GATEWAY_SPA_DIR=/app/spa. The same image runs the migrations (alembic -c /app/alembic.ini upgrade head), the
# operator CLI (python -m halfsky_gateway.cli …) and the one-host bootstrap (halfsky-bootstrap).
ARG PYTHON_IMAGE=python:3.11-slim-bookworm
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS spa
WORKDIR /spa
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY deploy/docker/constraints.txt ./
COPY services/common services/common
COPY gateway gateway
# halfsky-common without its `dev` extra: the embedded PostgreSQL of `make run` and the tests is not installed.
RUN python -m venv /opt/halfsky \
    && /opt/halfsky/bin/pip install -c constraints.txt ./services/common ./gateway

FROM ${PYTHON_IMAGE} AS runtime
LABEL org.opencontainers.image.title="halfsky-gateway" \
      org.opencontainers.image.description="HalfSky gateway (sign-in, proxy) and web app (半边天)"
RUN groupadd --system --gid 10001 halfsky \
    && useradd --system --uid 10001 --gid halfsky --home-dir /app --no-create-home --shell /usr/sbin/nologin halfsky \
    && mkdir -p /var/lib/halfsky/bootstrap \
    && chown halfsky:halfsky /var/lib/halfsky/bootstrap
COPY --from=build /opt/halfsky /opt/halfsky
COPY --from=spa /spa/dist /app/spa
COPY gateway/alembic.ini /app/alembic.ini
COPY gateway/migrations /app/migrations
COPY --chmod=0755 deploy/docker/entrypoint.sh /usr/local/bin/halfsky-entrypoint
COPY --chmod=0755 deploy/docker/bootstrap.sh /usr/local/bin/halfsky-bootstrap
ENV PATH=/opt/halfsky/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    GATEWAY_SPA_DIR=/app/spa
WORKDIR /app
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4)"]
ENTRYPOINT ["/usr/local/bin/halfsky-entrypoint"]
CMD ["uvicorn", "halfsky_gateway.main:create_app", "--factory", "--host", "0.0.0.0", "--port", "8000", \
     "--timeout-graceful-shutdown", "20", "--timeout-keep-alive", "75"]
