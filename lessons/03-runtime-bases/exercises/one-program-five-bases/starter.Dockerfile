# One program, several bases: each on-* stage is an image you can build with --target.
FROM stagecraft/golang:1.19 AS build
WORKDIR /src
COPY go.mod main.go ./
RUN go build -ldflags="-s -w" -o /out/baseinfo .

# The full toolchain image: everything, about 700 MiB of it.
FROM stagecraft/golang:1.19 AS on-golang
COPY --from=build /out/baseinfo /usr/local/bin/baseinfo
USER 65532:65532
CMD ["baseinfo"]

# A slim distribution: shell, apt, glibc.
FROM stagecraft/debian:bookworm-slim AS on-debian-slim
COPY --from=build /out/baseinfo /usr/local/bin/baseinfo
USER 65532:65532
CMD ["baseinfo"]

# A tiny base: one static busybox binary for the shell and the tools.
FROM stagecraft/busybox:1.35 AS on-busybox
COPY --from=build /out/baseinfo /usr/local/bin/baseinfo
USER 65532:65532
CMD ["baseinfo"]

# TODO: on-scratch, the empty image.

# TODO: on-distroless, on stagecraft/distroless-static:nonroot. Make it the last stage: it is the
# image a plain `docker build .` should give.
