# One stage: the script needs the interpreter and nothing else, so there is nothing to build.
FROM stagecraft/python:3.11-slim
WORKDIR /app
COPY reorder.py stock.csv ./
USER 65532:65532
CMD ["python3", "reorder.py"]
