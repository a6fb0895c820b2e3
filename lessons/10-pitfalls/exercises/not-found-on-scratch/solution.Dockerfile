# An ARG declared before the first FROM is only visible to FROM lines. Declare it again inside the
# stage that needs it: the build stage then sees CGO_ENABLED=0, and go build makes a static binary.
ARG CGO_ENABLED=0

FROM stagecraft/golang:1.19 AS build
ARG CGO_ENABLED
WORKDIR /src
COPY go.mod main.go ./
RUN go build -ldflags="-s -w" -o /out/clock .

# scratch has no C library and no dynamic loader: only a static binary can start here.
FROM scratch
COPY --from=build /out/clock /clock
USER 65532:65532
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=3s CMD ["/clock", "-probe"]
ENTRYPOINT ["/clock"]
