# One Dockerfile, several images: build with --target <stage name>.
FROM stagecraft/golang:1.19 AS build
WORKDIR /src
COPY go.mod *.go ./
RUN CGO_ENABLED=0 go build -ldflags="-s -w" -o /usr/local/bin/greeter .

# CI builds this one: docker build --target test .
FROM build AS test
RUN go test -v ./...

# What production runs: the binary and nothing else.
FROM scratch AS release
COPY --from=build /usr/local/bin/greeter /usr/local/bin/greeter
USER 65532:65532
CMD ["/usr/local/bin/greeter"]

# Added later, "for poking around": the same binary with a shell.
FROM stagecraft/busybox:1.35
COPY --from=build /usr/local/bin/greeter /usr/local/bin/greeter
USER 65532:65532
CMD ["greeter"]
