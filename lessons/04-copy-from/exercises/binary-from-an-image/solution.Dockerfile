FROM stagecraft/golang:1.19 AS build
WORKDIR /src
COPY go.mod main.go ./
RUN CGO_ENABLED=0 go build -ldflags="-s -w" -o /out/quotes .

# Distroless: no shell, no package manager, no wget.
FROM stagecraft/distroless-static:nonroot
COPY --from=build /out/quotes /usr/local/bin/quotes
# One file out of another image: busybox's static binary, for its wget applet. Nothing else of
# that image comes along, and no /bin/sh link is made, so no shell sits on the PATH.
COPY --from=stagecraft/busybox:1.35 /bin/busybox /usr/local/bin/busybox
EXPOSE 8080
# Exec form: there is no shell here to run a shell-form command.
HEALTHCHECK --interval=3s --timeout=2s --retries=2 \
  CMD ["/usr/local/bin/busybox", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/health"]
CMD ["/usr/local/bin/quotes"]
