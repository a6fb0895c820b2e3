# The runtime below is scratch, so the binary must be static: turn cgo off for the whole build.
ARG CGO_ENABLED=0

FROM stagecraft/golang:1.19 AS build
WORKDIR /src
COPY go.mod main.go ./
RUN go build -ldflags="-s -w" -o /out/clock .

FROM scratch
COPY --from=build /out/clock /clock
USER 65532:65532
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=3s CMD ["/clock", "-probe"]
ENTRYPOINT ["/clock"]
