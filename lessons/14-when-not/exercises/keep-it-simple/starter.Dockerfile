# The pattern from the Python lesson, applied to a script that installs nothing.
FROM stagecraft/python:3.11 AS build
# A virtual environment "for the dependencies" (there are none).
RUN python3 -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
RUN pip install setuptools wheel
WORKDIR /src
COPY reorder.py stock.csv ./
# Compile to bytecode ahead of time, "to start faster".
RUN python3 -m compileall -q /src

FROM stagecraft/python:3.11-slim
COPY --from=build /opt/venv /opt/venv
COPY --from=build /src /app
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /app
CMD ["python", "reorder.py"]
