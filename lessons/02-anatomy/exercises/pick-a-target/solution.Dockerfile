# One Dockerfile, several images: build with --target <stage name>.
# Without --target, docker build builds the LAST stage, so release goes at the bottom.
FROM stagecraft/golang:1.19 AS build
WORKDIR /src
COPY go.mod *.go ./
RUN CGO_ENABLED=0 go build -ldflags="-s -w" -o /usr/local/bin/greeter .

# CI builds this one: docker build --target test .
# A release build never needs it, so BuildKit skips it there.
FROM build AS test
RUN go test -v ./...

# docker build --target debug . : the same binary, with busybox's shell for poking around.
FROM stagecraft/busybox:1.35 AS debug
COPY --from=build /usr/local/bin/greeter /usr/local/bin/greeter
USER 65532:65532
CMD ["greeter"]

# The default target, what production runs: the binary and nothing else.
FROM scratch AS release
COPY --from=build /usr/local/bin/greeter /usr/local/bin/greeter
USER 65532:65532
CMD ["/usr/local/bin/greeter"]
