FROM stagecraft/golang:1.19 AS build
WORKDIR /src
COPY go.mod main.go ./
RUN CGO_ENABLED=0 go build -ldflags="-s -w" -o /out/quotes .

# Distroless: no shell, no package manager, no wget.
FROM stagecraft/distroless-static:nonroot
COPY --from=build /out/quotes /usr/local/bin/quotes
EXPOSE 8080
# The orchestrator runs this every few seconds. It needs a wget that is not in this image yet:
# take the busybox binary, and only that file, out of stagecraft/busybox:1.35.
HEALTHCHECK --interval=3s --timeout=2s --retries=2 \
  CMD ["/usr/local/bin/busybox", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/health"]
CMD ["/usr/local/bin/quotes"]
