# Stage "build": gcc and python3-dev compile quickhash's C extension into a virtual environment.
FROM stagecraft/python:3.11 AS build
RUN python3 -m venv /opt/venv
# Put the venv first on PATH: pip and python below are the venv's own.
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
# Dependencies first: this layer is reused until requirements.txt or vendor/ change.
COPY requirements.txt ./
COPY vendor/ vendor/
RUN pip install --no-index -r requirements.txt

# The final image: slim Python (same interpreter path), the venv, the app. No compiler.
FROM stagecraft/python:3.11-slim
RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --no-create-home --shell /usr/sbin/nologin app
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY app/ app/
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1
USER 10001:10001
EXPOSE 8000
# The slim image has no curl: probe with Python itself.
HEALTHCHECK --interval=30s --timeout=5s --start-period=5s CMD ["python", "-m", "app.healthcheck"]
# Exec form: python is process 1 and receives SIGTERM itself.
CMD ["python", "-m", "app"]
