FROM stagecraft/golang:1.19 AS build
WORKDIR /src
COPY go.mod main.go ./
RUN CGO_ENABLED=0 go build -ldflags="-s -w" -o /out/guestbook .
# Prepare the data folder with the program itself. The builder runs as root, so root owns it.
RUN /out/guestbook init /data

# Distroless, running as nonroot (uid 65532, gid 65532).
FROM stagecraft/distroless-static:nonroot
COPY --from=build /out/guestbook /usr/local/bin/guestbook
COPY --from=build /data /data
# The data lives in a volume: the root filesystem can stay read-only. A new volume starts as a
# copy of /data from the image, owners included.
VOLUME /data
CMD ["/usr/local/bin/guestbook", "sign", "/data"]
