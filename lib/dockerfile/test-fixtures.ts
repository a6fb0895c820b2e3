/** Dockerfiles shared by the tests of this folder. */

/** A clean two-stage build: lints with no findings and is admitted. */
export const GOOD = `FROM stagecraft/golang:1.19 AS builder
WORKDIR /src
COPY . .
RUN go build -o /out/app .

FROM stagecraft/busybox:1.35
COPY --from=builder /out/app /app
USER 65532
CMD ["/app"]
`;

/** Joins lines with newlines (and a trailing one), so tests can count lines at a glance. */
export const df = (...lines: string[]) => `${lines.join("\n")}\n`;
