# Stage "build": gcc, the C library headers and make. None of it ships.
FROM stagecraft/gcc:12 AS build
WORKDIR /src
COPY Makefile crcsum.c ./
# -static: link the C library into the binary, so it needs no files at run time.
# -s: strip the symbol table.
RUN make LDFLAGS="-static -s"

# Final stage: nothing but the binary. No shell, no libc, no /etc/passwd.
FROM scratch
COPY --from=build /src/crcsum /crcsum
# A number, not a name: scratch has no /etc/passwd to look a name up in.
USER 65532:65532
# Exec form: there is no /bin/sh to run a shell-form command.
ENTRYPOINT ["/crcsum"]
CMD ["--self-test"]
