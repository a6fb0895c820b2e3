# One stage: gcc, Python's headers, pip and the C sources all ship next to the service,
# which runs as root behind a shell.
FROM stagecraft/python:3.11

WORKDIR /app
COPY . .

RUN python3 -m venv /opt/venv \
 && /opt/venv/bin/pip install --no-index -r requirements.txt

EXPOSE 8000
CMD /opt/venv/bin/python -m app
