# One image for every role (poller, worker, web, migrate); the command picks the role.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY worker ./worker
COPY config ./config
RUN pip install --no-cache-dir . && useradd --create-home ingest
USER ingest
ENV INGEST_DATA_DIR=/home/ingest/var
ENTRYPOINT ["ingest"]
