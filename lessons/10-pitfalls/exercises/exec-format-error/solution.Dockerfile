# The build stage runs on the machine doing the build ($BUILDPLATFORM) and cross-compiles for the
# platform the image is for. BuildKit sets TARGETOS and TARGETARCH for every build: linux/amd64
# here, and one value per platform under `docker buildx build --platform linux/amd64,linux/arm64`.
FROM --platform=$BUILDPLATFORM stagecraft/golang:1.19 AS build
ARG TARGETOS TARGETARCH
WORKDIR /src
COPY go.mod main.go slug_test.go ./
RUN go test ./...
RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -ldflags="-s -w" -o /out/slugify .

FROM stagecraft/busybox:1.35
COPY --from=build /out/slugify /usr/local/bin/slugify
USER 65532:65532
ENTRYPOINT ["slugify"]
CMD ["Multi-platform builds, done right"]
