FROM stagecraft/golang:1.19 AS build
WORKDIR /src
COPY go.mod main.go ./
RUN CGO_ENABLED=0 go build -ldflags="-s -w" -o /out/weather .

# No shell, no package manager, no libc: only CA certificates, /etc/passwd and /tmp.
FROM stagecraft/distroless-static:nonroot
COPY --from=build /out/weather /app/weather
# No token here: it arrives at run time (docker run -e API_TOKEN, or a file mounted at
# /run/secrets/api_token). The root filesystem can then be read-only: the cache goes to a tmpfs.
ENV CACHE_DIR=/tmp/weather
USER 65532:65532
EXPOSE 8080
# Exec form, and the program probes itself: there is no shell or wget to run a command with.
HEALTHCHECK --interval=30s --timeout=3s --start-period=5s CMD ["/app/weather", "-healthcheck"]
CMD ["/app/weather"]
