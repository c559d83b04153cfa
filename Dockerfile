# syntax=docker/dockerfile:1
# Caja's container image: build the web UI, build the wheel, then a slim runtime that runs as a
# non-root user. Built and pushed by the steps in docs/deploy.md; checked by hadolint in
# `make test` (scripts/check-infra.sh).

# ---- 1. the web UI: `npm run build` writes it into src/caja_server/static ----
FROM node:22.12-bookworm-slim AS ui
WORKDIR /build/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY frontend/ ./
# Empty: the app serves its own assets. Set to the CloudFront URL (static_base_url output of the
# Terraform) to load the hashed assets from the CDN instead (docs/deploy.md).
ARG ASSET_BASE_URL=""
RUN if [ -n "$ASSET_BASE_URL" ]; then npm run build -- --base="$ASSET_BASE_URL"; else npm run build; fi

# ---- 2. the wheel, with the built UI inside it ----
FROM python:3.11.11-slim-bookworm AS wheel
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /build
COPY pyproject.toml README.md hatch_build.py ./
COPY src/ src/
COPY --from=ui /build/src/caja_server/static/ src/caja_server/static/
# hatchling (pinned in pyproject.toml's build-system) builds it; no dependencies are fetched here,
# they come from requirements/prod.lock in the runtime stage.
RUN pip wheel --no-deps --wheel-dir /dist .

# ---- 3. the runtime ----
FROM python:3.11.11-slim-bookworm AS runtime
# CAJA_FORWARDED_ALLOW_IPS: trust X-Forwarded-For/-Proto only from these addresses. The ECS task
# definition sets it to the load balancer's (public) subnets; by default only the container itself.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    CAJA_ENV=production \
    CAJA_FORWARDED_ALLOW_IPS=127.0.0.1
RUN groupadd --system --gid 10001 caja \
    && useradd --system --uid 10001 --gid caja --home-dir /app --shell /usr/sbin/nologin caja
WORKDIR /app
COPY requirements/prod.lock /tmp/prod.lock
RUN pip install --no-cache-dir --requirement /tmp/prod.lock && rm /tmp/prod.lock
COPY --from=wheel /dist/ /tmp/dist/
RUN pip install --no-cache-dir --no-deps /tmp/dist/*.whl && rm -rf /tmp/dist
USER 10001:10001
EXPOSE 8000
# /healthz is liveness (the process answers); the load balancer checks /readyz (database too).
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
# Migrations first (several replicas starting at once are safe: one runs them, the others wait),
# then the server. On ECS the task definition serves only: a release's migrations run once,
# as a one-off task, before its tasks start (infrastructure/modules/service/run-migrations.sh). The keep-alive (75 s) outlives the ALB's idle timeout (60 s) so the load
# balancer, not the app, closes idle connections and never sends on a socket the app just closed.
CMD ["sh", "-c", "caja-server migrate && exec caja-server --host 0.0.0.0 --port 8000 --proxy-headers --forwarded-allow-ips \"$CAJA_FORWARDED_ALLOW_IPS\" --timeout-keep-alive 75"]
