# Stage "build": the Go toolchain. Nothing from this stage ships except the binary.
FROM stagecraft/golang:1.19 AS build
WORKDIR /src

# 1. Dependencies. The sandbox has no network, so the module proxy is a folder in the context;
#    elsewhere GOPROXY keeps its default and these two lines go away.
COPY goproxy/ /goproxy/
ENV GOPROXY=file:///goproxy
# Only the manifests: this layer and the download stay cached until go.mod or go.sum change.
COPY go.mod go.sum ./
RUN go mod download && go mod verify

# 2. Sources, then the build. An edit to the code reruns only these steps.
COPY main.go ./
COPY internal/ ./internal/
# CGO_ENABLED=0: a static binary that needs no C library at run time.
# -w -s: drop the debug information and the symbol table.
RUN CGO_ENABLED=0 go build -ldflags "-w -s" -o /out/stockroom .

# Final stage: CA certificates, /etc/passwd with nonroot (65532), /tmp, no shell, no libc.
FROM stagecraft/distroless-static:nonroot
COPY --from=build /out/stockroom /stockroom
USER 65532:65532
EXPOSE 8080
# No shell and no curl here: the binary checks itself.
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 CMD ["/stockroom", "-probe"]
ENTRYPOINT ["/stockroom"]
