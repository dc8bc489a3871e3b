# The vsgraph API. `docker compose up --build` runs it next to Neo4j (docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# The app reads cypher/ and its web assets from the source tree at run time, so the whole
# tree goes to /app and is installed editable rather than as a wheel. It stays owned by
# root: the service user can read it but not change it. Only the embedded database (used
# when VSG_NEO4J_URI is unset) writes files, so it gets a directory the user owns.
WORKDIR /app
COPY . /app
RUN pip install -e /app \
    && groupadd --gid 10001 vsg \
    && useradd --uid 10001 --gid vsg --create-home vsg
ENV VSG_DATA_DIR=/home/vsg/.vsg-data
USER 10001:10001

EXPOSE 8000
# /healthz answers 503 while the database is unreachable, and urlopen raises on that.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://localhost:8000/healthz', timeout=4)"]
CMD ["vsg", "serve", "--host", "0.0.0.0", "--port", "8000"]
