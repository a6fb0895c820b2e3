# Stage 0, "build": everything needed to compile. None of it ships.
FROM stagecraft/golang:1.19 AS build
WORKDIR /src
COPY go.mod ./
COPY main.go ./
# CGO_ENABLED=0: a static binary that needs no C library in the runtime image.
# -s -w: leave out the symbol table and debug information.
RUN CGO_ENABLED=0 go build -ldflags="-s -w" -o /out/greeter .

# Stage 1, the final image: a tiny base, the binary, a non-root user.
FROM stagecraft/busybox:1.35
COPY --from=build /out/greeter /usr/local/bin/greeter
USER 65532:65532
CMD ["greeter"]
