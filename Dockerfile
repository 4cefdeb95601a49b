# syntax=docker/dockerfile:1
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY responder ./responder
COPY templates ./templates
RUN pip install --no-cache-dir --prefix=/install .

FROM python:3.11-slim
COPY --from=build /install /usr/local
RUN useradd --system --uid 10001 --home-dir /var/lib/responder --create-home responder \
    && mkdir -p /config && chown responder /config
USER responder
ENV RESPONDER_STATE_DIR=/var/lib/responder/state \
    RESPONDER_KEY_FILE=/config/draft.key \
    PYTHONUNBUFFERED=1
VOLUME ["/var/lib/responder", "/config"]
WORKDIR /var/lib/responder
ENTRYPOINT ["responder"]
CMD ["run"]
