# syntax=docker/dockerfile:1
# responder as a container: `responder run` as an unprivileged user, state on a volume,
# health from `responder health` (no successful pass in three intervals, or a refused
# login, is unhealthy). Build: docker build -t responder .
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY responder ./responder
COPY templates ./templates
# The metrics extra is small and pure Python: the endpoint stays off until
# RESPONDER_METRICS_PORT is set.
RUN pip install --no-cache-dir --prefix=/install ".[metrics]"

FROM python:3.11-slim
COPY --from=build /install /usr/local
RUN useradd --system --uid 10001 --home-dir /var/lib/responder --create-home responder \
    && mkdir -p /config /var/lib/responder/state \
    && chown responder /config /var/lib/responder/state \
    && chmod 0700 /var/lib/responder/state
USER responder
ENV RESPONDER_STATE_DIR=/var/lib/responder/state \
    RESPONDER_KEY_FILE=/config/draft.key \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1
# State (SQLite, health file) and the draft key live on volumes; keep both.
VOLUME ["/var/lib/responder", "/config"]
WORKDIR /var/lib/responder
# `responder run` finishes the message in hand on SIGTERM and exits 0 in a few seconds,
# well inside `docker stop`'s 10 s.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=60s --timeout=15s --start-period=120s --retries=2 \
    CMD ["responder", "health"]
ENTRYPOINT ["responder"]
CMD ["run"]
