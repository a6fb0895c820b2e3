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
# Take the builder's work folder: it has the binary and the files it reads.
COPY --from=builder /app .
USER 65532:65532
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD ["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/health"]
CMD ["./quotes"]
