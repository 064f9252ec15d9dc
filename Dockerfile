# OSO Portal: one image for web (gunicorn), worker, beat and the mock endpoint.
# docker-compose.yml picks the role with the command (see docker/entrypoint.sh).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    OSO_PORTAL_VAR_DIR=/var/lib/oso-portal

WORKDIR /app

# Dependencies first, so that a code change does not reinstall them.
COPY pyproject.toml ./
RUN pip install .

COPY . .
RUN useradd --system --uid 10001 --home-dir /app oso \
    && mkdir -p /var/lib/oso-portal \
    && chown oso /var/lib/oso-portal \
    && chmod +x docker/entrypoint.sh
USER oso

EXPOSE 8000
ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["web"]
