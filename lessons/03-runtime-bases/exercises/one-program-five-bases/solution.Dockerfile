# One program, several bases: each on-* stage is an image you can build with --target.
FROM stagecraft/golang:1.19 AS build
WORKDIR /src
COPY go.mod main.go ./
# CGO_ENABLED=0: a static binary. With cgo, os/user links the program against glibc, and it
# cannot even start on busybox, distroless-static or scratch, which have no C library.
RUN CGO_ENABLED=0 go build -ldflags="-s -w" -o /out/baseinfo .

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

# The empty image: only what we copy. No /etc/passwd, so the user must be a number.
FROM scratch AS on-scratch
COPY --from=build /out/baseinfo /baseinfo
USER 65532:65532
CMD ["/baseinfo"]

# Distroless-style: no shell, no package manager, but CA certificates, /etc/passwd with the
# nonroot user (65532) and /tmp. Last, so it is what a plain docker build produces.
FROM stagecraft/distroless-static:nonroot AS on-distroless
COPY --from=build /out/baseinfo /usr/local/bin/baseinfo
USER 65532:65532
CMD ["/usr/local/bin/baseinfo"]
