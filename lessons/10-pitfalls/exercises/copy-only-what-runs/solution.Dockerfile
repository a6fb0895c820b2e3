FROM stagecraft/golang:1.19 AS builder
# Static binary for busybox; the tests build with the same setting, so the compile is shared.
ENV CGO_ENABLED=0
WORKDIR /app
COPY . .
# Generate the test fixtures, vet, test, then build: the builder is where all of that belongs.
RUN go generate ./... && go vet ./... && go test ./...
RUN go build -ldflags="-s -w" -o quotes .

FROM stagecraft/busybox:1.35
WORKDIR /app
# Only what the program uses at run time: the binary, the quotes it serves and its web page.
# Sources, tests, the generated fixture and go.mod stay in the builder.
COPY --from=builder /app/quotes ./quotes
COPY --from=builder /app/data/ ./data/
COPY --from=builder /app/public/ ./public/
USER 65532:65532
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD ["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/health"]
CMD ["./quotes"]
