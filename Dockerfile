# The API image for docker-compose.yml: orggraph installed as a wheel, run as a non-root user.
FROM python:3.11-slim

WORKDIR /app
COPY pyproject.toml README.md ./
COPY orggraph ./orggraph
COPY schema ./schema
COPY seed ./seed
RUN pip install --no-cache-dir . && useradd --create-home orggraph

USER orggraph
ENV ORGGRAPH_STORE=neo4j \
    ORGGRAPH_HOST=0.0.0.0 \
    ORGGRAPH_PORT=8000
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --retries=5 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"
CMD ["orggraph", "serve"]
