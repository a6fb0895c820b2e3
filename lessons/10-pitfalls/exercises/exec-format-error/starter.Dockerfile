# Our servers in production are ARM machines, so the binary is built for arm64.
FROM stagecraft/golang:1.19 AS build
WORKDIR /src
COPY go.mod main.go slug_test.go ./
RUN go test ./...
RUN CGO_ENABLED=0 GOOS=linux GOARCH=arm64 go build -ldflags="-s -w" -o /out/slugify .

FROM stagecraft/busybox:1.35
COPY --from=build /out/slugify /usr/local/bin/slugify
USER 65532:65532
ENTRYPOINT ["slugify"]
CMD ["Multi-platform builds, done right"]
